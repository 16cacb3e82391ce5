package appliance_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"px360/app/appliance"
	"px360/app/demo"
)

// BenchmarkComplaintListHTTP measures the complaint list page over HTTP, as a browser
// gets it: 50 rows of one hospital filtered by status, rendered with SLA chips, from 16
// concurrent signed-in clients, against PX360_BENCH_COMPLAINTS complaints (default
// 1,000,000) over 20 hospitals. It reports pages/s and the p50 and p99 latency after a
// warm-up of five pages per client.
func BenchmarkComplaintListHTTP(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("PX360_BENCH_COMPLAINTS")); err == nil && v > 0 {
		n = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: b.TempDir(), Version: "bench", BackupAt: "off", LoginRate: rate.Inf})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := demo.LoadScaleComplaints(ctx, a.Store, a.Orgs, n, time.Now(), nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d complaints in %v", n, time.Since(start).Round(time.Second))
	if err := a.Rebuild(ctx); err != nil { // before serving: no rebuild competes with the clients
		b.Fatal(err)
	}
	// Bleve merges the segments of a fresh index in the background for a while; measure
	// the steady state a server is in, not those first minutes after a rebuild.
	if d, err := time.ParseDuration(os.Getenv("PX360_BENCH_SETTLE")); err == nil {
		time.Sleep(d)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { a.ServeListener(ctx, ln, nil); close(done) }()
	defer func() { cancel(); <-done; a.Close() }()
	base := "http://" + ln.Addr().String()
	const clients = 16
	var cs []*http.Client
	for i := 0; i < clients; i++ {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		res, err := c.PostForm(base+"/login", url.Values{"email": {"admin@px360.demo"}, "password": {demo.Password}})
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		cs = append(cs, c)
	}
	page := base + "/complaints?hospital=3&status=closed"
	for _, c := range cs { // warm up: measure the steady state, not the first cold page reads
		for i := 0; i < 5; i++ {
			if res, err := c.Get(page); err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	per := max(b.N/clients, 1)
	for _, c := range cs {
		wg.Add(1)
		go func(c *http.Client) {
			defer wg.Done()
			local := make([]time.Duration, 0, per)
			for i := 0; i < per; i++ {
				s := time.Now()
				res, err := c.Get(page)
				if err != nil || res.StatusCode != 200 {
					b.Errorf("%v %v", err, res)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				local = append(local, time.Since(s))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
