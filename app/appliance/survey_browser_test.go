package appliance_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"px360/app"
	"px360/app/appliance"
	"px360/app/notify/provider/providertest"
	"px360/app/surveys"
)

// TestSurveyBrowser has a patient take the inpatient survey in Arabic on a phone-sized
// screen (375 px) in headless Chromium: the page is right-to-left, every answer is a
// button at least 44 px square that a tap (or the keyboard) chooses, a page sent with a
// required answer missing comes back with the error beside the question and the focus
// on the summary, and the last page leads to the thank-you page.
func TestSurveyBrowser(t *testing.T) {
	chromium := findChromium(t)
	a, base, _ := startAppliance(t, true)
	token := inviteToSurvey(t, a)
	b := newBrowser(t, chromium)

	// answer taps, for every question of the page in the radio groups, the option at
	// index pick (or the last when there are fewer), skipping the questions in skip.
	answer := func(t *testing.T, pick int, skip ...string) {
		t.Helper()
		fors := eval[[]string](t, b, fmt.Sprintf(`[...document.querySelectorAll(".q[role=radiogroup]")].map(q => {
			const ls = q.querySelectorAll(".opts label"); return ls[Math.min(%d, ls.length - 1)].htmlFor })`, pick))
		for _, id := range fors {
			q := strings.TrimPrefix(id[:strings.LastIndex(id, "-")], "q-")
			if !slices.Contains(skip, q) {
				b.do(t, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`)))
				if !eval[bool](t, b, `document.getElementById("`+id+`").checked`) {
					t.Fatalf("tapping the label of %s did not choose it", id)
				}
			}
		}
	}
	next := func(t *testing.T, want int64) {
		t.Helper()
		if status := b.load(t, chromedp.Click(chromedp.CSS(`button[value="next"]`))); status != want {
			t.Fatalf("status %d, want %d", status, want)
		}
	}
	progress := func(t *testing.T, want string) {
		t.Helper()
		b.waitVisible(t, "#survey-progress")
		if got := b.text(t, "#survey-progress"); got != want {
			t.Errorf("progress %q, want %q", got, want)
		}
	}

	steps := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"first page on a phone", func(t *testing.T) {
			b.do(t, chromedp.EmulateViewport(375, 812))
			if status := b.load(t, chromedp.Navigate(base+"/s/"+token)); status != 200 {
				t.Fatalf("status %d", status)
			}
			if got := b.direction(t); got != (direction{Dir: "rtl", Lang: "ar"}) {
				t.Fatalf("%+v, want dir=rtl lang=ar (the patient's language)", got)
			}
			progress(t, "الصفحة 1 من 3")
			if eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth`) {
				t.Error("the page is wider than the phone's screen")
			}
			small := eval[[]string](t, b, `[...document.querySelectorAll(".opts label, main button, .lang-switch button")].filter(e => {
				const r = e.getBoundingClientRect(); return r.width < 44 || r.height < 44 }).map(e => e.textContent + " " + e.htmlFor)`)
			if len(small) > 0 {
				t.Errorf("touch targets under 44 px: %q", small)
			}
			// Right to left: the scale starts on the right.
			if !eval[bool](t, b, `document.querySelector("label[for=q-nurse_courtesy-0]").getBoundingClientRect().x >
				document.querySelector("label[for=q-nurse_courtesy-4]").getBoundingClientRect().x`) {
				t.Error("the rating scale does not start on the right in Arabic")
			}
			b.screenshot(t, "px360-survey-ar.png")
		}},
		{"a required answer missing", func(t *testing.T) {
			answer(t, 3, "doctor_explain")
			next(t, 422)
			b.waitVisible(t, ".error-summary[role=alert]")
			b.waitVisible(t, `.error-summary a[href="#q-doctor_explain-0"]`)
			if got := b.text(t, "#q-doctor_explain-error"); got != "يرجى الإجابة عن هذا السؤال." {
				t.Errorf("error beside the question: %q", got)
			}
			if got := b.attr(t, ".q.has-error", "aria-describedby"); !strings.Contains(got, "q-doctor_explain-error") {
				t.Errorf("aria-describedby %q", got)
			}
			if !eval[bool](t, b, `document.activeElement === document.querySelector(".error-summary")`) {
				t.Error("the focus is not on the error summary")
			}
			if !eval[bool](t, b, `document.getElementById("q-nurse_courtesy-3").checked`) {
				t.Error("the answers given were not kept")
			}
			progress(t, "الصفحة 1 من 3")
			b.screenshot(t, "px360-survey-ar-error.png")
		}},
		{"the keyboard answers too", func(t *testing.T) {
			b.do(t, chromedp.Click(chromedp.CSS(`.error-summary a`)))
			if !eval[bool](t, b, `document.activeElement.id === "q-doctor_explain-0"`) {
				t.Fatal("the summary's link does not take the focus to the question")
			}
			b.do(t, chromedp.KeyEvent(" "))
			if !eval[bool](t, b, `document.getElementById("q-doctor_explain-0").checked`) {
				t.Fatal("Space did not choose the focused answer")
			}
			if got := eval[string](t, b, `getComputedStyle(document.querySelector("label[for=q-doctor_explain-0]")).outlineStyle`); got == "none" {
				t.Error("no visible focus on the answer chosen with the keyboard")
			}
			next(t, 200)
			progress(t, "الصفحة 2 من 3")
		}},
		{"second page", func(t *testing.T) {
			answer(t, 3)
			next(t, 200)
			progress(t, "الصفحة 3 من 3")
			if got := b.text(t, `button[value="next"]`); got != "إرسال" {
				t.Errorf("last page's button %q, want إرسال", got)
			}
			b.screenshot(t, "px360-survey-ar-last.png")
		}},
		{"submit", func(t *testing.T) {
			answer(t, 9)
			b.do(t, chromedp.SendKeys(chromedp.CSS("#q-comments"), "شكراً للممرضات"))
			next(t, 200)
			b.waitVisible(t, "main h1")
			if got := b.text(t, "main h1"); got != "شكراً لك" {
				t.Errorf("h1 %q, want the thank-you page", got)
			}
			if got := b.direction(t); got != (direction{Dir: "rtl", Lang: "ar"}) {
				t.Errorf("thank-you page: %+v", got)
			}
			if eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth`) {
				t.Error("the thank-you page is wider than the phone's screen")
			}
			b.screenshot(t, "px360-survey-ar-thanks.png")
			var n int
			if err := a.Store.R.QueryRow(`select count(*) from survey_responses where answers like '%شكراً للممرضات%'`).Scan(&n); err != nil || n != 1 {
				t.Errorf("%d responses with the comment (%v), want 1", n, err)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) {
			return
		}
	}
}

// inviteToSurvey sends an Arabic inpatient survey to a patient through a fake SMS
// provider and returns the token of the link in the message.
func inviteToSurvey(t *testing.T, a *appliance.App) string {
	t.Helper()
	ctx := context.Background()
	fake := providertest.NewHTTP(t)
	a.Notify.HTTPClient = fake.Client()
	if err := a.Notify.SaveProvider(ctx, app.System, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{
		"base_url": fake.URL(), "account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken,
		"from": "+15005550006"}); err != nil {
		t.Fatal(err)
	}
	h, err := a.Store.HospitalByCode(ctx, app.System.Scope, "RCH")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := a.Store.SurveyTemplates(ctx, app.System.Scope)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, tp := range ts {
		if tp.NameEN == "Inpatient experience" {
			id = tp.ID
		}
	}
	inst, err := a.Surveys.Invite(ctx, app.System, surveys.Invitation{TemplateID: id, HospitalID: h.ID, Phone: "0501234567", Lang: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := a.Store.MessageByID(ctx, app.System.Scope, inst.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`/s/([A-Za-z0-9_-]{22})`).FindStringSubmatch(m.Body)
	if link == nil {
		t.Fatalf("no survey link in %q", m.Body)
	}
	return link[1]
}
