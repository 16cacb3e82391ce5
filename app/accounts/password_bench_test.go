package accounts_test

import (
	"testing"

	"px360/app/accounts"
)

// BenchmarkCheckPassword measures one argon2id verification (the cost of a sign-in);
// B/op shows its memory (19 MiB by design).
func BenchmarkCheckPassword(b *testing.B) {
	h, err := accounts.HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := accounts.CheckPassword(h, "correct horse battery staple"); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkCheckPasswordParallel is sign-in throughput with every core busy.
func BenchmarkCheckPasswordParallel(b *testing.B) {
	h, _ := accounts.HashPassword("correct horse battery staple")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			accounts.CheckPassword(h, "correct horse battery staple")
		}
	})
}
