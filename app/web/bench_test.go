package web_test

import (
	"net/url"
	"testing"

	"px360/app"
	"px360/app/demo"
)

// BenchmarkSignIn is the whole POST /login path: rate limiter, argon2id, audit row,
// session write, redirect.
func BenchmarkSignIn(b *testing.B) {
	e := newEnv(b)
	form := url.Values{"email": {"staff@px360.demo"}, "password": {demo.Password}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := e.post(e.client(), "/login", form); r.status != 303 {
				b.Errorf("status %d", r.status)
			}
		}
	})
}

// BenchmarkPatientListPage renders the first page of the patient list for a hospital admin.
func BenchmarkPatientListPage(b *testing.B) {
	e := newEnv(b)
	c := e.login(app.RoleHospitalAdmin)
	b.ResetTimer()
	for b.Loop() {
		if r := e.get(c, "/admin/patients"); r.status != 200 {
			b.Fatalf("status %d", r.status)
		}
	}
}
