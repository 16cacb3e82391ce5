package provider_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
)

// BenchmarkSendsThroughFake measures a sender plus the fake under parallel load, the
// shape of the notification throughput benchmark.
func BenchmarkSendsThroughFake(b *testing.B) {
	fake := providertest.NewHTTP(b)
	tw, err := provider.NewTwilio(provider.TwilioConfig{BaseURL: fake.URL(), AccountSID: providertest.TwilioAccountSID, AuthToken: providertest.TwilioAuthToken, From: "+15005550006"}, fake.Client())
	if err != nil {
		b.Fatal(err)
	}
	wa, err := provider.NewWhatsApp(provider.WhatsAppConfig{BaseURL: fake.URL(), PhoneNumberID: providertest.WhatsAppPhoneNumberID, AccessToken: providertest.WhatsAppAccessToken}, fake.Client())
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			m := provider.Message{ID: fmt.Sprint("m", i), To: fmt.Sprintf("+9665%08d", i), Lang: "ar", Body: arabicSMS, Template: "t", Params: []string{"a"}}
			var s provider.Sender = tw
			if i%2 == 0 {
				s = wa
			}
			if _, err := s.Send(context.Background(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if fake.Total() != int(n.Load()) {
		b.Errorf("fake accepted %d of %d", fake.Total(), n.Load())
	}
}
