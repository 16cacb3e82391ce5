package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"px360/app"
	"px360/app/notify"
	"px360/app/notify/provider"
	"px360/app/notify/provider/providertest"
	"px360/store"
)

// twilioSettings are provider form values for the fake Twilio.
func twilioSettings(fake *providertest.HTTP) url.Values {
	return url.Values{"kind": {app.ProviderTwilio}, "base_url": {fake.URL()}, "account_sid": {providertest.TwilioAccountSID},
		"auth_token": {providertest.TwilioAuthToken}, "from": {"+15005550006"}, "enabled": {"1"}}
}

// withTwilio configures SMS through a fake Twilio as the PX admin and returns the fake
// and the admin's client.
func (e *env) withTwilio(t *testing.T) (*providertest.HTTP, *http.Client) {
	t.Helper()
	fake := providertest.NewHTTP(t)
	c := e.login(app.RolePXAdmin)
	if r := e.post(c, "/admin/notifications/providers/sms", twilioSettings(fake)); r.status != http.StatusSeeOther {
		t.Fatalf("save twilio: %d %.500s", r.status, r.body)
	}
	return fake, c
}

// messages returns every logged message, newest first.
func (e *env) messages(t *testing.T) []app.Message {
	t.Helper()
	p, err := e.a.Notify.List(t.Context(), app.System, app.ListQuery{Limit: 500}, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

func (e *env) message(t *testing.T, id int64) app.Message {
	t.Helper()
	m, _, err := e.a.Notify.Message(t.Context(), app.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sendTest sends a test SMS through the page and returns the logged message.
func (e *env) sendTest(t *testing.T, c *http.Client, to string) app.Message {
	t.Helper()
	r := e.post(c, "/admin/notifications/providers/sms/test", url.Values{"to": {to}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.Contains(loc, "?test=") {
		t.Fatalf("test message: %d %q %.800s", r.status, loc, r.body)
	}
	var id int64
	fmt.Sscan(loc[strings.Index(loc, "?test=")+len("?test="):], &id)
	return e.message(t, id)
}

func TestNotificationAdminIsForManagers(t *testing.T) {
	e := newEnv(t)
	for role, want := range map[app.Role]int{app.RoleViewer: 403, app.RoleStaff: 403, app.RoleDepartmentManager: 403,
		app.RoleHospitalAdmin: 200, app.RolePXAdmin: 200} {
		if r := e.get(e.login(role), "/admin/notifications"); r.status != want {
			t.Errorf("%s: /admin/notifications %d, want %d", role, r.status, want)
		}
	}
	// Providers and the public address are the PX admin's only.
	h := e.login(app.RoleHospitalAdmin)
	if r := e.get(h, "/admin/notifications/providers"); r.status != 403 {
		t.Errorf("hospital admin providers page: %d", r.status)
	}
	if r := e.post(h, "/admin/notifications/public-url", url.Values{"public_url": {"https://evil.example"}}); r.status != 403 {
		t.Errorf("hospital admin public URL: %d", r.status)
	}
	if got := e.a.Notify.PublicURL(t.Context()); strings.Contains(got, "evil") {
		t.Errorf("public URL changed to %s", got)
	}
	// The nav shows the module to those who may use it.
	if r := e.get(h, "/admin/notifications/templates"); !strings.Contains(r.body, `href="/admin/notifications"`) {
		t.Error("the admin navigation has no link to the notifications")
	}
	if r := e.get(e.login(app.RoleViewer), "/inbox"); strings.Contains(r.body, `href="/admin/notifications"`) {
		t.Error("a viewer sees the notifications admin link")
	}
}

func templatePath(h int64, key app.NotificationKey, ch app.Channel) string {
	return fmt.Sprintf("/admin/notifications/templates/%d/%s/%s", h, key, ch)
}

func TestTemplateWithUnknownVariableIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	path := templatePath(e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelSMS)
	form := url.Values{"body_en": {"Hello {{patient_name}}, see {{secret_field}}"}, "body_ar": {"مرحباً {{patient_name}}"}}
	r := e.post(c, path, form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "uses a variable this notification does not have") ||
		!strings.Contains(r.body, "{{secret_field}}") {
		t.Fatalf("unknown variable: %d %.600s", r.status, r.body)
	}
	row, err := e.a.Notify.Template(t.Context(), app.System, e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelSMS)
	if err != nil || row.Origin != notify.OriginBuiltin {
		t.Fatalf("after a refused save the template is %s (%v), want built-in", row.Origin, err)
	}
	list := e.get(c, fmt.Sprintf("/admin/notifications/templates?hospital=%d", e.hospA.ID))
	if list.status != 200 || !strings.Contains(list.body, "Built-in") || strings.Contains(list.body, "This hospital&#39;s") {
		t.Fatalf("template list: %d, built-in %v, hospital's %v", list.status, strings.Contains(list.body, "Built-in"),
			strings.Contains(list.body, "This hospital&#39;s"))
	}
	// A broken brace is a syntax error, also nothing saved.
	if r := e.post(c, path, url.Values{"body_en": {"Hello {{patient_name"}}); r.status != 422 || !strings.Contains(r.body, "Check the braces") {
		t.Errorf("syntax error: %d", r.status)
	}
}

func TestTemplatePreviewRendersBothLanguagesWithoutSaving(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	path := templatePath(e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelEmail)
	form := url.Values{"subject_en": {"Complaint {{tracking_code}}"}, "subject_ar": {"شكوى {{tracking_code}}"},
		"body_en": {"Dear {{patient_name}}, we got it."}, "body_ar": {"عزيزنا {{patient_name}}، وصلتنا شكواك."}, "preview": {"1"}}
	r := e.post(c, path, form)
	if r.status != 200 {
		t.Fatalf("preview: %d %.500s", r.status, r.body)
	}
	for _, want := range []string{"Dear Mohammed Al-Otaibi, we got it.", "عزيزنا محمد العتيبي، وصلتنا شكواك.", "Complaint 7K3M-Q9XD-2PHT-R4VB",
		`dir="rtl" lang="ar"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if row, _ := e.a.Notify.Template(t.Context(), app.System, e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelEmail); row.Origin != notify.OriginBuiltin {
		t.Fatalf("preview saved the template: origin %s", row.Origin)
	}
	// A preview checks the text first: an unknown variable is an error, not a preview.
	bad := url.Values{"subject_en": {"x"}, "body_en": {"{{nope}}"}, "preview": {"1"}}
	if r := e.post(c, path, bad); r.status != 422 || strings.Contains(r.body, "Mohammed") {
		t.Errorf("preview of a bad template: %d", r.status)
	}
	// Save, then reset: the hospital's own text comes and goes.
	form.Del("preview")
	if r := e.post(c, path, form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", r.status, r.body)
	}
	row, _ := e.a.Notify.Template(t.Context(), app.System, e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelEmail)
	if row.Origin != notify.OriginHospital || row.BodyAR != "عزيزنا {{patient_name}}، وصلتنا شكواك." {
		t.Fatalf("saved template: %+v", row)
	}
	if r := e.get(c, path); !strings.Contains(r.body, "Use the group default again") {
		t.Error("a hospital's own template offers no reset")
	}
	if r := e.post(c, path+"/reset", nil); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.status)
	}
	if row, _ := e.a.Notify.Template(t.Context(), app.System, e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelEmail); row.Origin != notify.OriginBuiltin {
		t.Fatalf("after reset: origin %s", row.Origin)
	}
}

func TestHospitalAdminEditsOnlyTheirHospitalsTemplates(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	form := url.Values{"body_en": {"Hi"}, "body_ar": {"مرحباً"}}
	for _, h := range []int64{0, e.hospB.ID} {
		path := templatePath(h, app.NotifyComplaintAcknowledged, app.ChannelSMS)
		if r := e.get(c, path); r.status != 403 {
			t.Errorf("GET hospital %d: %d, want 403", h, r.status)
		}
		if r := e.post(c, path, form); r.status != 403 {
			t.Errorf("POST hospital %d: %d, want 403", h, r.status)
		}
		if r := e.post(c, path+"/reset", nil); r.status != 403 {
			t.Errorf("reset hospital %d: %d, want 403", h, r.status)
		}
		if r := e.get(c, fmt.Sprintf("/admin/notifications/templates?hospital=%d", h)); r.status != 403 {
			t.Errorf("list of hospital %d: %d, want 403", h, r.status)
		}
		if row, _ := e.a.Notify.Template(t.Context(), app.System, h, app.NotifyComplaintAcknowledged, app.ChannelSMS); row.Origin != notify.OriginBuiltin {
			t.Errorf("hospital %d template changed to %s", h, row.Origin)
		}
	}
	if r := e.get(c, fmt.Sprintf("/admin/notifications/hospitals/%d", e.hospB.ID)); r.status != 403 {
		t.Errorf("hospital B settings: %d, want 403", r.status)
	}
	// Their own hospital is theirs; the PX admin also edits the group defaults.
	if r := e.get(c, "/admin/notifications/templates"); r.status != 200 || !strings.Contains(r.body, templatePath(e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelSMS)) {
		t.Errorf("own templates: %d", r.status)
	}
	admin := e.login(app.RolePXAdmin)
	if r := e.post(admin, templatePath(0, app.NotifyComplaintAcknowledged, app.ChannelSMS), form); r.status != http.StatusSeeOther {
		t.Errorf("PX admin saves the group default: %d %.300s", r.status, r.body)
	}
	if row, _ := e.a.Notify.Template(t.Context(), app.System, e.hospA.ID, app.NotifyComplaintAcknowledged, app.ChannelSMS); row.Origin != notify.OriginSystem {
		t.Errorf("hospital A after a group default: %s", row.Origin)
	}
	// Channels a notification cannot use have no template page.
	if r := e.get(admin, templatePath(0, app.NotifyComplaintAcknowledged, app.ChannelInApp)); r.status != 404 {
		t.Errorf("patient notification in the app: %d, want 404", r.status)
	}
}

func TestHospitalSettingsSaveChannelsAndRules(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	path := fmt.Sprintf("/admin/notifications/hospitals/%d", e.hospA.ID)
	if r := e.get(c, path); r.status != 200 || !strings.Contains(r.body, `value="22:00"`) {
		t.Fatalf("settings page: %d", r.status)
	}
	form := url.Values{"route.survey.invitation": {"whatsapp", "sms"}, "quiet_start": {"25:00"}, "quiet_end": {"07:00"},
		"cap_count": {"2"}, "cap_hours": {"48"}}
	if r := e.post(c, path, form); r.status != 422 || !strings.Contains(r.body, "HH:MM") {
		t.Fatalf("bad time: %d", r.status)
	}
	routes, _ := e.a.Notify.Routes(t.Context(), app.System, e.hospA.ID)
	if len(routes[app.NotifyComplaintAcknowledged]) != 3 {
		t.Fatalf("a refused form changed the channels: %v", routes)
	}
	form.Set("quiet_start", "21:30")
	if r := e.post(c, path, form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", r.status, r.body)
	}
	routes, _ = e.a.Notify.Routes(t.Context(), app.System, e.hospA.ID)
	if got := routes[app.NotifySurveyInvitation]; len(got) != 2 || got[0] != app.ChannelSMS || got[1] != app.ChannelWhatsApp {
		t.Errorf("survey channels %v, want sms then whatsapp", got)
	}
	if got := routes[app.NotifyComplaintAcknowledged]; len(got) != 0 {
		t.Errorf("unticked notification still goes out on %v", got)
	}
	rules, _ := e.a.Notify.Rules(t.Context(), app.System, e.hospA.ID)
	if rules.QuietStart != 21*60+30 || rules.QuietEnd != 7*60 || rules.CapCount != 2 || rules.CapHours != 48 {
		t.Errorf("rules %+v", rules)
	}
	if r := e.post(c, path, url.Values{"route.survey.invitation": {"inapp"}, "quiet_start": {"21:00"}, "quiet_end": {"07:00"},
		"cap_count": {"2"}, "cap_hours": {"48"}}); r.status != 422 {
		t.Errorf("in-app for patients: %d, want 422", r.status)
	}
}

func TestProviderSecretsAreNeverShownAndKeptWhenLeftEmpty(t *testing.T) {
	e := newEnv(t)
	fake, c := e.withTwilio(t)
	page := e.get(c, "/admin/notifications/providers/sms")
	if page.status != 200 || strings.Contains(page.body, providertest.TwilioAuthToken) {
		t.Fatalf("provider page %d shows the secret: %v", page.status, strings.Contains(page.body, providertest.TwilioAuthToken))
	}
	if !strings.Contains(page.body, "••••oken") || !strings.Contains(page.body, "Leave empty to keep it") {
		t.Error("the saved secret is not shown masked")
	}
	// Save again with the secret left empty: the old one stays and still authenticates.
	form := twilioSettings(fake)
	form.Set("auth_token", "")
	form.Set("from", "+15005550007")
	if r := e.post(c, "/admin/notifications/providers/sms", form); r.status != http.StatusSeeOther {
		t.Fatalf("save without secret: %d %.500s", r.status, r.body)
	}
	m := e.sendTest(t, c, "0501234567")
	if m.Status != app.MessageSent || m.ProviderID == "" || fake.Accepted("+966501234567") != 1 {
		t.Fatalf("test message after keeping the secret: %s %q, accepted %d", m.Status, m.ProviderID, fake.Accepted("+966501234567"))
	}
	if reqs := fake.Requests(providertest.KindTwilio); reqs[len(reqs)-1].Sender != "+15005550007" {
		t.Errorf("sent from %s", reqs[len(reqs)-1].Sender)
	}
	// The page shows the provider's id, and the log lists the message.
	if r := e.get(c, fmt.Sprintf("/admin/notifications/providers/sms?test=%d", m.ID)); !strings.Contains(r.body, m.ProviderID) {
		t.Error("the test result does not show the provider's id")
	}
	log := e.get(c, "/admin/notifications?channel=sms&recipient=0501234567")
	if log.status != 200 || !strings.Contains(log.body, "+966501234567") || !strings.Contains(log.body, fmt.Sprintf("/admin/notifications/messages/%d", m.ID)) {
		t.Fatalf("log: %d %.300s", log.status, log.body)
	}
	if r := e.get(c, "/admin/notifications?status=failed"); strings.Contains(r.body, "+966501234567") {
		t.Error("the status filter let a sent message through")
	}
	detail := e.get(c, fmt.Sprintf("/admin/notifications/messages/%d", m.ID))
	if detail.status != 200 || !strings.Contains(detail.body, m.ProviderID) || !strings.Contains(detail.body, "Accepted by the provider") {
		t.Fatalf("detail: %d %.300s", detail.status, detail.body)
	}
	// A wrong secret is what the provider refuses, and the page says so.
	form.Set("auth_token", "wrong-token")
	if r := e.post(c, "/admin/notifications/providers/sms", form); r.status != http.StatusSeeOther {
		t.Fatalf("save wrong secret: %d", r.status)
	}
	r := e.post(c, "/admin/notifications/providers/sms/test", url.Values{"to": {"0501234567"}})
	if r.status != 422 || !strings.Contains(r.body, "did not accept") || strings.Contains(r.body, "wrong-token") {
		t.Errorf("refused test: %d %.300s", r.status, r.body)
	}
	// Settings the client refuses are a form error, with nothing saved.
	bad := twilioSettings(fake)
	bad.Set("from", "")
	bad.Set("base_url", "ftp://x")
	if r := e.post(c, "/admin/notifications/providers/sms", bad); r.status != 422 || !strings.Contains(r.body, "do not work") {
		t.Errorf("refused settings: %d", r.status)
	}
	if r := e.post(c, "/admin/notifications/providers/sms/test", url.Values{"to": {"0112345678"}}); r.status != 422 ||
		!strings.Contains(r.body, "not a mobile number") {
		t.Errorf("landline test number: %d", r.status)
	}
}

func TestResend(t *testing.T) {
	e := newEnv(t)
	_, c := e.withTwilio(t)
	m := e.sendTest(t, c, "0501234567")
	r := e.post(c, fmt.Sprintf("/admin/notifications/messages/%d/resend", m.ID), nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") == fmt.Sprintf("/admin/notifications/messages/%d", m.ID) {
		t.Fatalf("resend: %d %s", r.status, r.header.Get("Location"))
	}
	if page := e.get(c, r.header.Get("Location")); !strings.Contains(page.body, "A copy was queued") {
		t.Error("no flash after resend")
	}
	// A number that could never be used was logged without a text: it cannot be resent.
	q, err := e.a.Notify.Enqueue(t.Context(), notify.Request{Key: app.NotifyComplaintAcknowledged, HospitalID: e.hospA.ID,
		Patient: &notify.Patient{Name: "X", Phone: "0112345678", Lang: "en"}, Ref: "test:landline"})
	if err != nil || q.Messages != 0 {
		t.Fatalf("enqueue landline: %+v %v", q, err)
	}
	before := e.messages(t)
	refused := before[0]
	if refused.Body != "-" || refused.Status != app.MessageFailed {
		t.Fatalf("refused message: %+v", refused)
	}
	r = e.post(c, fmt.Sprintf("/admin/notifications/messages/%d/resend", refused.ID), nil)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "cannot be sent again") {
		t.Fatalf("resend refused: %d", r.status)
	}
	if after := e.messages(t); len(after) != len(before) {
		t.Errorf("a refused resend queued a message: %d then %d", len(before), len(after))
	}
	if r := e.post(c, fmt.Sprintf("/admin/notifications/messages/%d/other", m.ID), nil); r.status != 404 && r.status != 405 {
		t.Errorf("unknown action: %d", r.status)
	}
	// The hospital's admin sees the hospital's messages.
	h := e.login(app.RoleHospitalAdmin)
	if r := e.get(h, fmt.Sprintf("/admin/notifications/messages/%d", refused.ID)); r.status != 200 {
		t.Errorf("hospital admin, own hospital's message: %d", r.status)
	}
}

// signedPost posts form to path with X-Twilio-Signature sig.
func (e *env) signedPost(path string, form url.Values, sig string) response {
	return e.do(e.client(), "POST", path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {sig}})
}

func TestTwilioStatusCallback(t *testing.T) {
	e := newEnv(t)
	_, c := e.withTwilio(t)
	m := e.sendTest(t, c, "0501234567")
	if m.Status != app.MessageSent {
		t.Fatalf("test message %s", m.Status)
	}
	form := providertest.TwilioStatusForm(m.ProviderID, "delivered", m.Recipient, 0)
	fullURL := e.a.Notify.PublicURL(t.Context()) + notify.TwilioStatusPath
	bad := e.signedPost(notify.TwilioStatusPath, form, provider.TwilioSignature("not-the-token", fullURL, form))
	if bad.status != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d", bad.status)
	}
	if got := e.message(t, m.ID); got.Status != app.MessageSent {
		t.Fatalf("a bad signature moved the message to %s", got.Status)
	}
	if r := e.signedPost(notify.TwilioStatusPath, form, ""); r.status != http.StatusUnauthorized {
		t.Errorf("no signature: %d", r.status)
	}
	good := e.signedPost(notify.TwilioStatusPath, form, provider.TwilioSignature(providertest.TwilioAuthToken, fullURL, form))
	if good.status != http.StatusNoContent {
		t.Fatalf("good signature: %d %s", good.status, good.body)
	}
	if len(good.header.Values("Set-Cookie")) > 0 {
		t.Errorf("a provider callback got a session cookie: %v", good.header.Values("Set-Cookie"))
	}
	if got := e.message(t, m.ID); got.Status != app.MessageDelivered || got.DeliveredAt.IsZero() {
		t.Fatalf("after the callback: %s", got.Status)
	}
	// An incoming STOP opts the number out and is answered with empty TwiML.
	in := providertest.TwilioInboundForm(m.Recipient, "+15005550006", "STOP")
	inURL := e.a.Notify.PublicURL(t.Context()) + notify.TwilioInboundPath
	if r := e.signedPost(notify.TwilioInboundPath, in, "wrong"); r.status != 401 {
		t.Errorf("inbound with a bad signature: %d", r.status)
	}
	r := e.signedPost(notify.TwilioInboundPath, in, provider.TwilioSignature(providertest.TwilioAuthToken, inURL, in))
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/xml") || !strings.Contains(r.body, "<Response></Response>") {
		t.Fatalf("inbound: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if out, _ := e.store().OptedOut(t.Context(), m.Recipient, app.ChannelSMS, app.PurposeSurvey); !out {
		t.Error("STOP did not opt the number out")
	}
}

func TestWhatsAppWebhook(t *testing.T) {
	e := newEnv(t)
	fake := providertest.NewHTTP(t)
	c := e.login(app.RolePXAdmin)
	form := url.Values{"kind": {app.ProviderWhatsApp}, "base_url": {fake.URL()}, "phone_number_id": {providertest.WhatsAppPhoneNumberID},
		"access_token": {providertest.WhatsAppAccessToken}, "app_secret": {"meta-app-secret"}, "verify_token": {"verify-me"}, "enabled": {"1"}}
	if r := e.post(c, "/admin/notifications/providers/whatsapp", form); r.status != http.StatusSeeOther {
		t.Fatalf("save whatsapp: %d %.500s", r.status, r.body)
	}
	if r := e.get(c, "/admin/notifications/providers/whatsapp"); strings.Contains(r.body, "meta-app-secret") || strings.Contains(r.body, "verify-me") ||
		!strings.Contains(r.body, notify.WhatsAppPath) {
		t.Error("the WhatsApp page shows a secret or lacks the webhook address")
	}
	body := providertest.WhatsAppTextWebhook("+966501234567", "STOP")
	post := func(sig string) response {
		return e.do(e.client(), "POST", notify.WhatsAppPath, bytes.NewReader(body),
			http.Header{"Content-Type": {"application/json"}, "X-Hub-Signature-256": {sig}})
	}
	if r := post(providertest.SignWhatsApp("another-secret", body)); r.status != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d", r.status)
	}
	if out, _ := e.store().OptedOut(t.Context(), "+966501234567", app.ChannelWhatsApp, app.PurposeSurvey); out {
		t.Fatal("a webhook with a bad signature opted the number out")
	}
	if r := post(providertest.SignWhatsApp("meta-app-secret", body)); r.status != http.StatusOK {
		t.Fatalf("good signature: %d %s", r.status, r.body)
	}
	if out, _ := e.store().OptedOut(t.Context(), "+966501234567", app.ChannelWhatsApp, app.PurposeSurvey); !out {
		t.Error("STOP on WhatsApp did not opt the number out")
	}
	broken := []byte("{not json")
	if r := e.do(e.client(), "POST", notify.WhatsAppPath, bytes.NewReader(broken),
		http.Header{"X-Hub-Signature-256": {providertest.SignWhatsApp("meta-app-secret", broken)}}); r.status != http.StatusBadRequest {
		t.Errorf("broken body: %d", r.status)
	}
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"verify-me"}, "hub.challenge": {"1158201444"}}
	if r := e.get(e.client(), notify.WhatsAppPath+"?"+q.Encode()); r.status != 200 || r.body != "1158201444" {
		t.Errorf("handshake: %d %q", r.status, r.body)
	}
	q.Set("hub.verify_token", "guess")
	if r := e.get(e.client(), notify.WhatsAppPath+"?"+q.Encode()); r.status != http.StatusForbidden {
		t.Errorf("handshake with a wrong token: %d", r.status)
	}
}

var optOutToken = regexp.MustCompile(`^[a-z2-7]{16}$`)

func TestOptOutPage(t *testing.T) {
	e := newEnv(t)
	e.withTwilio(t)
	ctx := context.Background()
	patient := &notify.Patient{Name: "Sara", Phone: "0501112233", Lang: "ar"}
	q, err := e.a.Notify.Enqueue(ctx, notify.Request{Key: app.NotifyComplaintAcknowledged, HospitalID: e.hospA.ID, Patient: patient,
		Ref: "test:ack", Vars: func(string) map[string]string { return map[string]string{"tracking_code": "ABCD"} }})
	if err != nil || q.Messages != 1 {
		t.Fatalf("enqueue: %+v %v", q, err)
	}
	m := e.messages(t)[0]
	if !optOutToken.MatchString(m.OptOutToken) {
		t.Fatalf("message without an opt-out token: %+v", m)
	}
	path := "/o/" + m.OptOutToken
	c := e.client()
	page := e.get(c, path)
	if page.status != 200 || !strings.Contains(page.body, `lang="ar"`) || !strings.Contains(page.body, "مستشفى الرياض المركزي") ||
		!strings.Contains(page.body, "2233") || strings.Contains(page.body, "501112233") {
		t.Fatalf("opt-out page: %d %.600s", page.status, page.body)
	}
	if strings.Contains(page.body, `name="survey" value="1" checked`) {
		t.Error("surveys show as stopped before the patient chose")
	}
	done := e.post(c, path, url.Values{"survey": {"1"}})
	if done.status != 200 || !strings.Contains(done.body, "لن تصلك رسائل الاستبيانات") {
		t.Fatalf("opt-out: %d %.600s", done.status, done.body)
	}
	if page := e.get(c, path); !strings.Contains(page.body, `name="survey" value="1" checked`) {
		t.Error("the page does not show the saved choice")
	}
	// A survey invitation to that number is no longer queued; service messages still are.
	q, err = e.a.Notify.Enqueue(ctx, notify.Request{Key: app.NotifySurveyInvitation, HospitalID: e.hospA.ID, Patient: patient, Ref: "test:survey"})
	if err != nil || q.Messages != 0 {
		t.Fatalf("survey after opting out: %+v %v", q, err)
	}
	q, err = e.a.Notify.Enqueue(ctx, notify.Request{Key: app.NotifyComplaintStatusChanged, HospitalID: e.hospA.ID, Patient: patient, Ref: "test:status"})
	if err != nil || q.Messages != 1 {
		t.Fatalf("service message after opting out of surveys: %+v %v", q, err)
	}
	// The language switch works on the page, and unknown links are the public 404.
	if r := e.get(c, "/o/aaaaaaaaaaaaaaaa"); r.status != 404 || strings.Contains(r.body, "sidenav") {
		t.Errorf("unknown token: %d", r.status)
	}
	en := e.client()
	e.post(en, "/language", url.Values{"lang": {"en"}, "next": {path}})
	if r := e.get(en, path); !strings.Contains(r.body, `lang="en"`) || !strings.Contains(r.body, "Riyadh Central Hospital") {
		t.Error("the language switch does not apply to the opt-out page")
	}
}

func TestBellAndInbox(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	viewer := notify.Recipient{UserID: e.viewerID, Email: e.emails[app.RoleViewer], Name: "Viewer", Language: "en"}
	send := func(ref, link string) {
		t.Helper()
		q, err := e.a.Notify.Enqueue(ctx, notify.Request{Key: app.NotifyComplaintAssigned, HospitalID: e.hospA.ID,
			Staff: []notify.Recipient{viewer}, Link: link, Ref: ref,
			Vars: func(string) map[string]string { return map[string]string{"complaint_ref": "#" + ref} }})
		if err != nil || q.Inbox != 1 {
			t.Fatalf("enqueue %s: %+v %v", ref, q, err)
		}
	}
	c := e.login(app.RoleViewer)
	if r := e.get(c, "/inbox"); r.status != 200 || strings.Contains(r.body, "bell-count") ||
		!strings.Contains(r.body, `<a class="bell" href="/inbox" aria-label="Notifications"`) {
		t.Fatalf("empty inbox: %d", r.status)
	}
	send("c1", "/complaints/7")
	page := e.get(c, "/inbox")
	if !strings.Contains(page.body, `aria-label="1 unread notification"`) || !strings.Contains(page.body, `<span class="bell-count" aria-hidden="true">1</span>`) ||
		!strings.Contains(page.body, "inbox-unread") || !strings.Contains(page.body, "#c1") {
		t.Fatalf("inbox after one notification: %.1500s", page.body)
	}
	if r := e.get(c, "/api/v1/inbox/unread"); r.status != 200 || strings.TrimSpace(r.body) != `{"unread":1}` {
		t.Errorf("unread API: %d %s", r.status, r.body)
	}
	items, _ := e.a.Notify.Inbox(ctx, app.Principal{UserID: e.viewerID}, app.ListQuery{}, false)
	id := items.Items[0].ID
	// Another user cannot open it.
	if r := e.post(e.login(app.RoleStaff), fmt.Sprintf("/inbox/%d/open", id), nil); r.status != 404 {
		t.Errorf("someone else's notification: %d", r.status)
	}
	r := e.post(c, fmt.Sprintf("/inbox/%d/open", id), nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/complaints/7" {
		t.Fatalf("open: %d %s", r.status, r.header.Get("Location"))
	}
	if n, _ := e.a.Notify.Unread(ctx, e.viewerID); n != 0 {
		t.Errorf("unread after opening: %d", n)
	}
	if r := e.get(c, "/inbox?unread=1"); strings.Contains(r.body, "#c1") || strings.Contains(r.body, "bell-count") {
		t.Error("the opened notification is still unread")
	}
	// A link off the site leads back to the inbox; "read all" clears the bell.
	send("c2", "//evil.example/x")
	send("c3", "https://evil.example/")
	items, _ = e.a.Notify.Inbox(ctx, app.Principal{UserID: e.viewerID}, app.ListQuery{}, true)
	for _, it := range items.Items {
		if r := e.post(c, fmt.Sprintf("/inbox/%d/open", it.ID), nil); r.header.Get("Location") != "/inbox" {
			t.Errorf("link %q led to %q", it.Link, r.header.Get("Location"))
		}
	}
	send("c4", "")
	send("c5", "")
	if r := e.get(c, "/inbox"); !strings.Contains(r.body, `aria-label="2 unread notifications"`) {
		t.Error("the bell does not count two")
	}
	if r := e.post(c, "/inbox/read-all", nil); r.status != http.StatusSeeOther {
		t.Fatalf("read all: %d", r.status)
	}
	var out struct{ Unread int }
	if r := e.get(c, "/api/v1/inbox/unread"); json.Unmarshal([]byte(r.body), &out) != nil || out.Unread != 0 {
		t.Errorf("after read all: %s", r.body)
	}
}

func TestProviderCallbacksPassCrossOriginProtection(t *testing.T) {
	e := newEnv(t)
	// A server's POST carries no Origin: it reaches the handler (401 without a signature)
	// instead of the cross-origin refusal, and no session is started for it.
	r := e.do(e.client(), "POST", notify.TwilioStatusPath, strings.NewReader("MessageSid=SM1"),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if r.status != http.StatusUnauthorized {
		t.Errorf("server-to-server callback: %d, want 401", r.status)
	}
	if len(r.header.Values("Set-Cookie")) > 0 {
		t.Error("a callback got a session cookie")
	}
}
