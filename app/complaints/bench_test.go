package complaints_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/app/demo"
	"px360/app/orgs"
	"px360/app/vault"
	"px360/store"
)

// benchSize is how many complaints the scale benchmarks load (PX360_BENCH_COMPLAINTS,
// default 1,000,000 as the issue asks; set it lower for a quick run).
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("PX360_BENCH_COMPLAINTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var (
	scaleOnce  sync.Once
	scaleStore *store.Store
	scaleErr   error
)

// scaleData opens (once per benchmark binary) a store with benchSize complaints over 20 hospitals.
func scaleData(b *testing.B) *store.Store {
	scaleOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "px360-bench-*")
		if err != nil {
			scaleErr = err
			return
		}
		v, err := vault.Open(filepath.Join(dir, "keys"))
		if err != nil {
			scaleErr = err
			return
		}
		st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{})
		if err != nil {
			scaleErr = err
			return
		}
		start := time.Now()
		scaleErr = demo.LoadScaleComplaints(ctx, st, orgs.New(st, v), benchSize(), time.Now(), nil)
		b.Logf("loaded %d complaints in %v", benchSize(), time.Since(start).Round(time.Second))
		scaleStore = st
	})
	if scaleErr != nil {
		b.Fatal(scaleErr)
	}
	return scaleStore
}

// BenchmarkComplaintListPage is the list page's query: 50 rows of one hospital filtered
// by status, with the capped count, from 16 concurrent clients.
func BenchmarkComplaintListPage(b *testing.B) {
	st := scaleData(b)
	svc := complaints.New(st, &fakeSLA{rule: app.DefaultSLARule()}, fakeTaxonomy{})
	by := app.Principal{Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{3}}}
	f := store.ComplaintFilter{Statuses: []app.ComplaintStatus{app.StatusClosed}}
	b.SetParallelism(8) // 2 cores × 8 = 16 clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p, err := svc.List(context.Background(), by, f)
			if err != nil || len(p.Items) != app.PageSize {
				b.Errorf("%v %d", err, len(p.Items))
				return
			}
		}
	})
}

// BenchmarkComplaintCreate is one staff intake: validation, SLA rule and due time,
// tracking code, insert, timeline, outbox event and audit row in one transaction.
func BenchmarkComplaintCreate(b *testing.B) {
	st := scaleData(b)
	svc := complaints.New(st, &fakeSLA{rule: app.DefaultSLARule()}, fakeTaxonomy{})
	by := app.Principal{Email: "bench", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}
	in := complaints.Input{HospitalID: 2, SourceCode: "patient", Description: "Benchmark complaint about waiting times."}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Create(context.Background(), by, in); err != nil {
			b.Fatal(err)
		}
	}
}
