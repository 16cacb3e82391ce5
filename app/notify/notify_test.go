package notify_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
	"px360/app/vault"
	"px360/store"
)

// clock is a settable fake clock shared by the store and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	ctx      context.Context
	dir      string
	st       *store.Store
	svc      *notify.Service
	clock    *clock
	hospital int64
	fake     *providertest.HTTP
}

// noon is a weekday midday in Riyadh: outside quiet hours.
var noon = time.Date(2026, 11, 26, 12, 0, 0, 0, app.Riyadh())

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return openFixture(t, t.TempDir(), true)
}

func openFixture(t testing.TB, dir string, seed bool) *fixture {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: noon}
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{ctx: ctx, dir: dir, st: st, clock: c, fake: providertest.NewHTTP(t)}
	f.svc = notify.New(st, v, nil)
	f.svc.Now, f.svc.HTTPClient, f.svc.DefaultURL = c.Now, f.fake.Client(), "https://px.example"
	if !seed {
		f.hospital = 1
		return f
	}
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(ctx, "Group", "المجموعة")
		if err != nil {
			return err
		}
		h := app.Hospital{OrganizationID: org, Code: "RCH", NameEN: "Riyadh Central Hospital", NameAR: "مستشفى الرياض المركزي",
			TimeZone: "Asia/Riyadh", Active: true}
		if err := tx.SaveHospital(ctx, &h); err != nil {
			return err
		}
		f.hospital = h.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var admin = app.Principal{UserID: "", Email: "admin@test", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}

func (f *fixture) provider(t testing.TB, ch app.Channel, kind string, values map[string]string) {
	t.Helper()
	if err := f.svc.SaveProvider(f.ctx, admin, ch, kind, true, values); err != nil {
		t.Fatalf("save provider %s/%s: %v", ch, kind, err)
	}
}

func (f *fixture) twilio(t testing.TB) {
	f.provider(t, app.ChannelSMS, app.ProviderTwilio, map[string]string{"base_url": f.fake.URL(),
		"account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken, "from": "+15005550006"})
}

func (f *fixture) unifonic(t testing.TB) {
	f.provider(t, app.ChannelSMS, app.ProviderUnifonic, map[string]string{"base_url": f.fake.URL(),
		"app_sid": providertest.UnifonicAppSid, "sender_id": "RCH"})
}

// ack queues a complaint acknowledgement for a patient.
func (f *fixture) ack(t testing.TB, ref string, p notify.Patient) notify.Queued {
	t.Helper()
	q, err := f.svc.Enqueue(f.ctx, notify.Request{Key: app.NotifyComplaintAcknowledged, HospitalID: f.hospital, Patient: &p,
		Vars: func(lang string) map[string]string { return map[string]string{"tracking_code": "7K3M-Q9XD-2PHT-R4VB"} }, Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func (f *fixture) survey(t testing.TB, ref string, p notify.Patient) notify.Queued {
	t.Helper()
	q, err := f.svc.Enqueue(f.ctx, notify.Request{Key: app.NotifySurveyInvitation, HospitalID: f.hospital, Patient: &p,
		Vars: func(string) map[string]string { return map[string]string{"survey_link": "https://px.example/s/abc"} }, Ref: ref})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func (f *fixture) run(t testing.TB) int {
	t.Helper()
	n, err := f.svc.Run(f.ctx, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) messages(t testing.TB) []app.Message {
	t.Helper()
	page, err := f.st.ListMessages(f.ctx, app.ListQuery{Scope: app.Scope{All: true}, Limit: 500}, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func (f *fixture) only(t testing.TB) (app.Message, []app.MessageAttempt) {
	t.Helper()
	ms := f.messages(t)
	if len(ms) != 1 {
		t.Fatalf("want one message, have %d: %+v", len(ms), ms)
	}
	m, atts, err := f.st.MessageByID(f.ctx, app.Scope{All: true}, ms[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return m, atts
}

var patient = notify.Patient{ID: 0, Name: "محمد العتيبي", Phone: "050 123 4567", Email: "m@example.com", Lang: "ar"}

func TestEmailWithArabicSubjectReachesSMTPServer(t *testing.T) {
	f := newFixture(t)
	smtp := providertest.NewSMTP(t)
	f.provider(t, app.ChannelEmail, app.ProviderSMTP, map[string]string{"host": smtp.Host(), "port": fmt.Sprint(smtp.Port()),
		"security": "none", "from": "px@hospital.example", "from_name": "مستشفى الرياض"})
	_, err := f.svc.Enqueue(f.ctx, notify.Request{Key: app.NotifyComplaintAssigned, HospitalID: f.hospital,
		Staff: []notify.Recipient{{Email: "Nurse@Hospital.example", Name: "سارة", Language: "ar"}},
		Vars: func(string) map[string]string {
			return map[string]string{"complaint_ref": "#12", "complaint_title": "تأخر الدواء", "due_at": "2026-11-27 10:00"}
		}, Ref: "e1"})
	if err != nil {
		t.Fatal(err)
	}
	f.run(t)
	msgs := smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("SMTP server got %d messages", len(msgs))
	}
	mail, err := msgs[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	if mail.Subject != "أُسندت إليك الشكوى #12" {
		t.Errorf("subject = %q", mail.Subject)
	}
	if !strings.Contains(mail.Body, "عزيزنا سارة") || !strings.Contains(mail.Body, "تأخر الدواء") || mail.Charset != "utf-8" {
		t.Errorf("body = %q (charset %q)", mail.Body, mail.Charset)
	}
	if m, _ := f.only(t); m.Status != app.MessageSent || m.Recipient != "nurse@hospital.example" || m.ProviderID == "" {
		t.Errorf("message after sending: %+v", m)
	}
}

func TestSMSAndWhatsAppProvidersGetTheirWireFormat(t *testing.T) {
	for _, c := range []struct {
		kind      string
		ch        app.Channel
		values    func(*fixture) map[string]string
		recipient string
	}{
		{app.ProviderUnifonic, app.ChannelSMS, func(f *fixture) map[string]string {
			return map[string]string{"base_url": f.fake.URL(), "app_sid": providertest.UnifonicAppSid, "sender_id": "RCH"}
		}, "966501234567"},
		{app.ProviderTwilio, app.ChannelSMS, func(f *fixture) map[string]string {
			return map[string]string{"base_url": f.fake.URL(), "account_sid": providertest.TwilioAccountSID,
				"auth_token": providertest.TwilioAuthToken, "from": "+15005550006"}
		}, "+966501234567"},
		{app.ProviderWhatsApp, app.ChannelWhatsApp, func(f *fixture) map[string]string {
			return map[string]string{"base_url": f.fake.URL(), "api_version": "v21.0", "phone_number_id": providertest.WhatsAppPhoneNumberID,
				"access_token": providertest.WhatsAppAccessToken, "app_secret": "s3cret"}
		}, "966501234567"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			f := newFixture(t)
			f.provider(t, c.ch, c.kind, c.values(f))
			if q := f.ack(t, "e1", patient); q.Messages != 1 {
				t.Fatalf("queued %+v", q)
			}
			f.run(t)
			reqs := f.fake.Requests()
			if len(reqs) != 1 || reqs[0].Recipient != c.recipient {
				t.Fatalf("requests: %+v", reqs)
			}
			r := reqs[0]
			if c.ch == app.ChannelWhatsApp {
				if r.Template != "px360_complaint_acknowledged" || r.Lang != "ar" || len(r.Params) != 3 || r.Params[1] != "7K3M-Q9XD-2PHT-R4VB" {
					t.Errorf("whatsapp template request: %+v", r)
				}
			} else if !strings.Contains(r.Body, "7K3M-Q9XD-2PHT-R4VB") || !strings.Contains(r.Body, "مستشفى الرياض المركزي") {
				t.Errorf("sms body %q", r.Body)
			}
			if c.kind == app.ProviderTwilio && r.StatusCallback != "https://px.example"+notify.TwilioStatusPath {
				t.Errorf("Twilio status callback %q", r.StatusCallback)
			}
			m, atts := f.only(t)
			if m.Status != app.MessageSent || m.ProviderID != r.ProviderID || len(atts) != 1 || atts[0].Outcome != "sent" {
				t.Errorf("message %+v attempts %+v", m, atts)
			}
		})
	}
}

func TestServerErrorsAreRetriedWithBackoff(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	f.fake.FailNext(providertest.KindTwilio, 2, 503)
	f.ack(t, "e1", patient)
	f.run(t)
	m, _ := f.only(t)
	if m.Status != app.MessagePending || m.Attempts != 1 || !m.NextAt.Equal(f.clock.Now().Add(f.svc.BaseDelay)) {
		t.Fatalf("after a 503: %+v", m)
	}
	f.run(t) // not due yet
	if n := len(f.fake.Requests()); n != 1 {
		t.Fatalf("retried before its time: %d requests", n)
	}
	f.clock.Add(f.svc.BaseDelay)
	f.run(t)
	if m, _ := f.only(t); m.Status != app.MessagePending || !m.NextAt.Equal(f.clock.Now().Add(2*f.svc.BaseDelay)) {
		t.Fatalf("second failure should wait twice as long: %+v", m)
	}
	f.clock.Add(2 * f.svc.BaseDelay)
	f.run(t)
	m, atts := f.only(t)
	if m.Status != app.MessageSent || m.Attempts != 3 || len(atts) != 3 || atts[0].HTTPStatus != 503 || atts[0].Outcome != "retry" {
		t.Fatalf("after recovery: %+v %+v", m, atts)
	}
}

func TestClientErrorsFailAtOnceWithTheProvidersReason(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	f.fake.FailNextWithBody(providertest.KindTwilio, 1, 400,
		`{"code":21211,"message":"The 'To' number +966501234567 is not a valid phone number.","status":400}`)
	f.ack(t, "e1", patient)
	f.run(t)
	f.clock.Add(time.Hour)
	f.run(t)
	m, atts := f.only(t)
	if m.Status != app.MessageFailed || !strings.Contains(m.LastError, "not a valid phone number") || len(atts) != 1 || atts[0].HTTPStatus != 400 {
		t.Fatalf("a 400 should fail once with the reason: %+v %+v", m, atts)
	}
	if n := len(f.fake.Requests()); n != 1 {
		t.Fatalf("a permanent error was retried: %d requests", n)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	f.svc.MaxAttempts = 3
	f.fake.FailAlways(providertest.KindTwilio, 500)
	f.ack(t, "e1", patient)
	for range 5 {
		f.run(t)
		f.clock.Add(f.svc.MaxDelay)
	}
	m, atts := f.only(t)
	if m.Status != app.MessageFailed || len(atts) != 3 || !strings.Contains(m.LastError, "gave up after 3 attempts") {
		t.Fatalf("%+v %+v", m, atts)
	}
}

func TestTwilioStatusCallbackNeedsAValidSignature(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	f.ack(t, "e1", patient)
	f.run(t)
	m, _ := f.only(t)
	url := f.svc.PublicURL(f.ctx) + notify.TwilioStatusPath
	form := providertest.TwilioStatusForm(m.ProviderID, "delivered", "+966501234567", 0)
	if err := f.svc.TwilioStatus(f.ctx, url, form, "bm90IGEgc2lnbmF0dXJl"); !errors.Is(err, notify.ErrSignature) {
		t.Fatalf("bad signature: %v", err)
	}
	if m, _ := f.only(t); m.Status != app.MessageSent {
		t.Fatalf("a forged callback changed the message: %s", m.Status)
	}
	sig := provider.TwilioSignature(providertest.TwilioAuthToken, url, form)
	if err := f.svc.TwilioStatus(f.ctx, url, form, sig); err != nil {
		t.Fatal(err)
	}
	if m, atts := f.only(t); m.Status != app.MessageDelivered || m.DeliveredAt.IsZero() || atts[len(atts)-1].Outcome != "callback:delivered" {
		t.Fatalf("after the callback: %+v", m)
	}
	// A late "sent" never moves it back.
	late := providertest.TwilioStatusForm(m.ProviderID, "sent", "+966501234567", 0)
	if err := f.svc.TwilioStatus(f.ctx, url, late, provider.TwilioSignature(providertest.TwilioAuthToken, url, late)); err != nil {
		t.Fatal(err)
	}
	if m, _ := f.only(t); m.Status != app.MessageDelivered {
		t.Fatalf("moved backwards to %s", m.Status)
	}
}

func TestWhatsAppWebhookSignatureAndStatuses(t *testing.T) {
	f := newFixture(t)
	f.provider(t, app.ChannelWhatsApp, app.ProviderWhatsApp, map[string]string{"base_url": f.fake.URL(),
		"phone_number_id": providertest.WhatsAppPhoneNumberID, "access_token": providertest.WhatsAppAccessToken,
		"app_secret": "app-secret-1", "verify_token": "verify-me"})
	f.ack(t, "e1", patient)
	f.run(t)
	m, _ := f.only(t)
	body := providertest.WhatsAppStatusWebhook(m.ProviderID, "failed", "966501234567", 131026, "Message undeliverable")
	if err := f.svc.WhatsAppWebhook(f.ctx, body, providertest.SignWhatsApp("wrong-secret", body)); !errors.Is(err, notify.ErrSignature) {
		t.Fatalf("bad signature accepted: %v", err)
	}
	if err := f.svc.WhatsAppWebhook(f.ctx, body, ""); !errors.Is(err, notify.ErrSignature) {
		t.Fatalf("missing signature accepted: %v", err)
	}
	if m, _ := f.only(t); m.Status != app.MessageSent {
		t.Fatalf("changed by a forged webhook: %s", m.Status)
	}
	if err := f.svc.WhatsAppWebhook(f.ctx, body, providertest.SignWhatsApp("app-secret-1", body)); err != nil {
		t.Fatal(err)
	}
	if m, _ := f.only(t); m.Status != app.MessageBounced || !strings.Contains(m.LastError, "undeliverable") {
		t.Fatalf("after a failed status: %+v", m)
	}
	q := map[string][]string{"hub.mode": {"subscribe"}, "hub.verify_token": {"verify-me"}, "hub.challenge": {"12345"}}
	if c, ok := f.svc.WhatsAppVerify(f.ctx, q); !ok || c != "12345" {
		t.Fatalf("subscription handshake: %q %v", c, ok)
	}
}

func TestQuietHoursHoldSMSUntilMorningButNotEmail(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	smtp := providertest.NewSMTP(t)
	f.provider(t, app.ChannelEmail, app.ProviderSMTP, map[string]string{"host": smtp.Host(), "port": fmt.Sprint(smtp.Port()),
		"security": "none", "from": "px@hospital.example"})
	f.clock.Set(time.Date(2026, 11, 26, 23, 15, 0, 0, app.Riyadh()))
	f.ack(t, "sms", patient)
	f.ack(t, "mail", notify.Patient{Name: "Ali", Email: "ali@example.com", Lang: "en"})
	f.run(t)
	if n := len(f.fake.Requests()); n != 0 {
		t.Fatalf("an SMS went out at 23:15: %d", n)
	}
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("email is not held by quiet hours, got %d", n)
	}
	morning := time.Date(2026, 11, 27, 8, 0, 0, 0, app.Riyadh())
	for _, m := range f.messages(t) {
		if m.Channel == app.ChannelSMS && !m.NextAt.Equal(morning) {
			t.Fatalf("SMS held until %v, want %v", m.NextAt, morning)
		}
	}
	f.clock.Set(morning.Add(-time.Minute))
	f.run(t)
	if n := len(f.fake.Requests()); n != 0 {
		t.Fatal("sent before the quiet hours ended")
	}
	f.clock.Set(morning)
	f.run(t)
	if n := len(f.fake.Requests()); n != 1 {
		t.Fatalf("not sent in the morning: %d", n)
	}
	// A retry that falls into the quiet hours is deferred again, not sent at night.
	f.clock.Set(time.Date(2026, 11, 27, 21, 59, 50, 0, app.Riyadh()))
	f.fake.FailNext(providertest.KindTwilio, 1, 500)
	f.ack(t, "night-retry", notify.Patient{Phone: "0559876543", Lang: "ar"})
	f.run(t)
	f.clock.Add(f.svc.BaseDelay)
	f.run(t)
	for _, m := range f.messages(t) {
		if m.Recipient == "+966559876543" && (m.Status != app.MessagePending || !m.NextAt.Equal(morning.AddDate(0, 0, 1))) {
			t.Fatalf("a retry in quiet hours: %+v", m)
		}
	}
}

func TestStopKeywordAndOptOutLink(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	smtp := providertest.NewSMTP(t)
	f.provider(t, app.ChannelEmail, app.ProviderSMTP, map[string]string{"host": smtp.Host(), "port": fmt.Sprint(smtp.Port()),
		"security": "none", "from": "px@hospital.example"})
	f.clock.Set(time.Date(2026, 11, 26, 23, 0, 0, 0, app.Riyadh())) // held by quiet hours
	f.ack(t, "waiting", patient)
	if ok, err := f.svc.Keyword(f.ctx, app.ChannelSMS, "+966501234567", " إيقاف "); err != nil || !ok {
		t.Fatalf("keyword: %v %v", ok, err)
	}
	if m, _ := f.only(t); m.Status != app.MessageSuppressed {
		t.Fatalf("a waiting message to an opted-out number: %s", m.Status)
	}
	f.clock.Set(noon.AddDate(0, 0, 1))
	q := f.ack(t, "after-stop", patient)
	var last app.Message
	for _, m := range f.messages(t) {
		if m.ID > last.ID {
			last = m
		}
	}
	if q.Messages != 1 || last.Channel != app.ChannelEmail {
		t.Fatalf("after STOP on SMS the patient is reached by email: %+v, %+v", q, last)
	}
	if ok, _ := f.svc.Keyword(f.ctx, app.ChannelSMS, "0501234567", "START"); !ok {
		t.Fatal("START not recognised")
	}
	if ok, _ := f.svc.Keyword(f.ctx, app.ChannelSMS, "0501234567", "where is my file?"); ok {
		t.Fatal("ordinary text taken as a keyword")
	}
	f.ack(t, "after-start", patient)
	f.run(t)
	// The opt-out link: surveys off, service messages still on.
	var sms app.Message
	for _, m := range f.messages(t) {
		if m.Channel == app.ChannelSMS && m.Status == app.MessageSent {
			sms = m
		}
	}
	if sms.OptOutToken == "" {
		t.Fatalf("no sent SMS with an opt-out token: %+v", sms)
	}
	info, err := f.svc.OptOutPage(f.ctx, sms.OptOutToken)
	if err != nil || info.Survey || info.Service || strings.Contains(info.Contact, "501234") {
		t.Fatalf("opt-out page: %+v %v", info, err)
	}
	if err := f.svc.SetOptOut(f.ctx, sms.OptOutToken, true, false); err != nil {
		t.Fatal(err)
	}
	if q := f.survey(t, "survey-1", notify.Patient{Phone: "0501234567", Lang: "ar"}); q.Messages != 0 {
		t.Fatalf("a survey went to a number that opted out of surveys: %+v", q)
	}
	if q := f.ack(t, "service-1", notify.Patient{Phone: "0501234567", Lang: "ar"}); q.Messages != 1 {
		t.Fatalf("service messages stay on: %+v", q)
	}
	if _, err := f.svc.OptOutPage(f.ctx, "nosuchtoken"); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

func TestFrequencyCapDefersSurveysNotServiceMessages(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	p := notify.Patient{ID: 0, Phone: "0501234567", Lang: "ar"}
	start := f.clock.Now()
	for i := range 3 {
		f.survey(t, fmt.Sprint("s", i), p)
		f.run(t)
		f.clock.Add(time.Minute)
	}
	f.survey(t, "s3", p)
	f.ack(t, "service", p)
	f.run(t)
	if n := f.fake.Accepted("+966501234567"); n != 4 {
		t.Fatalf("three surveys and the service message should have gone, got %d", n)
	}
	for _, m := range f.messages(t) {
		if m.Key == app.NotifySurveyInvitation && m.Status == app.MessagePending {
			if want := start.Add(24*time.Hour + time.Second); !m.NextAt.Equal(want) {
				t.Fatalf("capped survey waits until %v, want %v", m.NextAt, want)
			}
		}
	}
	f.clock.Set(start.Add(24*time.Hour + time.Second)) // the service message still counts: not yet
	f.run(t)
	if n := f.fake.Accepted("+966501234567"); n != 4 {
		t.Fatalf("the cap counts service messages too: %d", n)
	}
	f.clock.Set(start.Add(25 * time.Hour))
	f.run(t)
	if n := f.fake.Accepted("+966501234567"); n != 5 {
		t.Fatalf("the capped survey did not go when the window moved: %d", n)
	}
}

func TestEnqueueIsIdempotentAndExplainsRefusedNumbers(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	f.ack(t, "e1", patient)
	if q := f.ack(t, "e1", patient); q.Messages != 0 {
		t.Fatalf("the same event queued twice: %+v", q)
	}
	f.ack(t, "e2", notify.Patient{Phone: "0112345678", Lang: "en"})
	var refused app.Message
	for _, m := range f.messages(t) {
		if m.Recipient == "0112345678" {
			refused = m
		}
	}
	if refused.Status != app.MessageFailed || !strings.Contains(refused.LastError, "not a mobile number") {
		t.Fatalf("a landline should be logged as failed with the reason: %+v", refused)
	}
	if len(f.messages(t)) != 2 {
		t.Fatalf("messages: %+v", f.messages(t))
	}
}

func TestMessagesWaitWhenNoProviderIsConfigured(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	f.ack(t, "e1", patient)
	if err := f.svc.SaveProvider(f.ctx, admin, app.ChannelSMS, app.ProviderTwilio, false, map[string]string{"base_url": f.fake.URL(),
		"account_sid": providertest.TwilioAccountSID, "from": "+15005550006"}); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	m, _ := f.only(t)
	if m.Status != app.MessagePending || m.Attempts != 0 || !strings.Contains(m.LastError, "no provider") {
		t.Fatalf("with the provider disabled: %+v", m)
	}
}

func TestProviderSecretsAreEncryptedAndMasked(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	form, err := f.svc.Provider(f.ctx, admin, app.ChannelSMS)
	if err != nil {
		t.Fatal(err)
	}
	if form.Values["auth_token"] == providertest.TwilioAuthToken || !strings.HasPrefix(form.Values["auth_token"], "••••") {
		t.Fatalf("secret shown back: %q", form.Values["auth_token"])
	}
	var raw []byte
	if err := f.st.R.QueryRowContext(f.ctx, `select config || cast(secret as text) from notify_providers`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), providertest.TwilioAuthToken) {
		t.Fatal("the auth token is stored in clear")
	}
	staff := app.Principal{Email: "h@test", Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{f.hospital}}}
	if _, err := f.svc.Provider(f.ctx, staff, app.ChannelSMS); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("a hospital admin read the providers: %v", err)
	}
	err = f.svc.SaveProvider(f.ctx, admin, app.ChannelSMS, app.ProviderGateway, true, map[string]string{"method": "POST",
		"url": f.fake.URL() + "/gateway/send", "format": "json", "body": `{"to":"{{to}}","text":"{{nonsense}}"}`})
	var se *notify.SettingsError
	if !errors.As(err, &se) {
		t.Fatalf("a gateway body with an unknown placeholder: %v", err)
	}
}

func TestTemplateOverridesAndUnknownVariables(t *testing.T) {
	f := newFixture(t)
	f.twilio(t)
	_, err := f.svc.SaveTemplate(f.ctx, admin, app.Template{HospitalID: f.hospital, Key: app.NotifyComplaintAcknowledged,
		Channel: app.ChannelSMS, BodyEN: "Code {{tracking_code}} {{survey_link}}", BodyAR: "رمز {{tracking_code}}"})
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Fields["body_en"] != "err.template_unknown_var" {
		t.Fatalf("unknown variable: %v", err)
	}
	if _, err := f.svc.SaveTemplate(f.ctx, admin, app.Template{HospitalID: f.hospital, Key: app.NotifyComplaintAcknowledged,
		Channel: app.ChannelSMS, BodyEN: "Code {{tracking_code}}", BodyAR: "رمزك {{tracking_code}} لدى {{hospital_name}}"}); err != nil {
		t.Fatal(err)
	}
	f.ack(t, "e1", patient)
	f.run(t)
	if r := f.fake.Requests(); len(r) != 1 || r[0].Body != "رمزك 7K3M-Q9XD-2PHT-R4VB لدى مستشفى الرياض المركزي" {
		t.Fatalf("the hospital's template was not used: %+v", r)
	}
	row, err := f.svc.Template(f.ctx, admin, f.hospital, app.NotifyComplaintAcknowledged, app.ChannelSMS)
	if err != nil || row.Origin != notify.OriginHospital {
		t.Fatalf("origin %v %v", row.Origin, err)
	}
	if err := f.svc.ResetTemplate(f.ctx, admin, f.hospital, app.NotifyComplaintAcknowledged, app.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	if row, _ := f.svc.Template(f.ctx, admin, f.hospital, app.NotifyComplaintAcknowledged, app.ChannelSMS); row.Origin != notify.OriginBuiltin {
		t.Fatalf("after reset: %v", row.Origin)
	}
	sub, body := notify.Preview(app.DefaultTemplate(app.NotifySurveyInvitation, app.ChannelEmail), "ar")
	if !strings.Contains(sub, "مستشفى الرياض المركزي") || !strings.Contains(body, "https://px.example/s/") {
		t.Fatalf("preview: %q %q", sub, body)
	}
}

func TestInAppInbox(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Enqueue(f.ctx, notify.Request{Key: app.NotifySLABreach, HospitalID: f.hospital,
		Staff: []notify.Recipient{{UserID: "u1", Name: "Sara", Language: "en"}},
		Vars:  func(string) map[string]string { return map[string]string{"complaint_ref": "#9"} }, Link: "/complaints/9", Ref: "b1"})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := f.svc.Unread(f.ctx, "u1"); n != 1 {
		t.Fatalf("unread = %d", n)
	}
	u1 := app.Principal{UserID: "u1", Role: app.RoleStaff}
	page, err := f.svc.Inbox(f.ctx, u1, app.ListQuery{}, false)
	if err != nil || len(page.Items) != 1 || page.Items[0].Title != "Complaint #9 is overdue" || page.Items[0].Link != "/complaints/9" {
		t.Fatalf("inbox: %+v %v", page.Items, err)
	}
	other := app.Principal{UserID: "u2", Role: app.RoleStaff}
	_ = f.svc.MarkRead(f.ctx, other, page.Items[0].ID)
	if n, _ := f.svc.Unread(f.ctx, "u1"); n != 1 {
		t.Fatal("another user marked u1's notification read")
	}
	if err := f.svc.MarkRead(f.ctx, u1, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.svc.Unread(f.ctx, "u1"); n != 0 {
		t.Fatalf("unread after mark all = %d", n)
	}
}
