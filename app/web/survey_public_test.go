package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/app/notify/provider/providertest"
	"px360/app/surveys"
	"px360/store"
)

// takeLink finds the survey token in an invitation message.
var takeLink = regexp.MustCompile(`/s/([A-Za-z0-9_-]{22})`)

// takePhones numbers the test patients' phones: the fatigue rule invites one number once a month.
var takePhones atomic.Int64

// takeEnv configures a fake Twilio so invitations can be sent, and returns e.
func takeEnv(e *env) *env {
	e.t.Helper()
	fake := providertest.NewHTTP(e.t)
	e.a.Notify.HTTPClient = fake.Client()
	if err := e.a.Notify.SaveProvider(context.Background(), app.System, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{
		"base_url": fake.URL(), "account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken,
		"from": "+15005550006"}); err != nil {
		e.t.Fatal(err)
	}
	return e
}

// takeTemplate returns the built-in template named en.
func (e *env) takeTemplate(en string) app.SurveyTemplate {
	e.t.Helper()
	ts, err := e.a.Store.SurveyTemplates(context.Background(), app.System.Scope)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, t := range ts {
		if t.NameEN == en {
			return t
		}
	}
	e.t.Fatalf("no survey template %q", en)
	return app.SurveyTemplate{}
}

// takeInvite invites a new patient (a fresh phone number) at hospital A in lang and
// returns the instance and the token from the invitation message.
func (e *env) takeInvite(templateID int64, lang string) (app.SurveyInstance, string) {
	e.t.Helper()
	ctx := context.Background()
	phone := fmt.Sprintf("05%08d", 10000000+takePhones.Add(1))
	inst, err := e.a.Surveys.Invite(ctx, app.System, surveys.Invitation{TemplateID: templateID, HospitalID: e.hospA.ID,
		Phone: phone, Lang: lang})
	if err != nil {
		e.t.Fatal(err)
	}
	m, _, err := e.a.Store.MessageByID(ctx, app.System.Scope, inst.MessageID)
	if err != nil {
		e.t.Fatal(err)
	}
	found := takeLink.FindStringSubmatch(m.Body)
	if found == nil {
		e.t.Fatalf("no survey link in the invitation %q", m.Body)
	}
	return inst, found[1]
}

func (e *env) takeResponses(instanceID int64) int {
	e.t.Helper()
	var n int
	if err := e.a.Store.R.QueryRow(`select count(*) from survey_responses where instance_id = ?`, instanceID).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// takeAnswers answers every question of a page: ratings and Likert r, NPS 9, yes, the
// first option, some text.
func takeAnswers(page app.SurveyPage, r string) url.Values {
	v := url.Values{}
	for _, q := range page.Questions {
		switch q.Type {
		case app.QRating, app.QLikert:
			v.Set(q.ID, r)
		case app.QNPS:
			v.Set(q.ID, "9")
		case app.QYesNo:
			v.Set(q.ID, "yes")
		case app.QSingle, app.QMultiple:
			v.Set(q.ID, q.Options[0].Value)
		case app.QShortText, app.QLongText:
			v.Set(q.ID, "كل شيء كان جيداً")
		}
	}
	return v
}

// takeStep posts one page of the survey and expects the redirect back to it.
func (e *env) takeStep(c *http.Client, token string, page int, action string, v url.Values) {
	e.t.Helper()
	form := url.Values{"page": {strconv.Itoa(page)}, "action": {action}}
	for k, vs := range v {
		form[k] = vs
	}
	r := e.post(c, "/s/"+token, form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/s/"+token {
		e.t.Fatalf("post page %d: status %d location %q, want 303 to /s/%s: %.400s", page, r.status, r.header.Get("Location"), token, r.body)
	}
}

func takeContains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

func takeLacks(t *testing.T, what, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("%s contains %q", what, n)
		}
	}
}

// TestPublicSurveyWalkInArabic takes the inpatient survey in Arabic over HTTP the way a phone
// without JavaScript does: each page posts and redirects (PRG), the progress moves on, a
// low overall rating brings the follow-up question onto the last page, the last page
// gives the thank-you page, and submitting again writes no second response.
func TestPublicSurveyWalkInArabic(t *testing.T) {
	e := takeEnv(newEnv(t))
	tmpl := e.takeTemplate("Inpatient experience")
	for _, tc := range []struct {
		name     string
		overall  string
		followUp bool
	}{
		{"low overall rating asks what went wrong", "2", true},
		{"good overall rating does not", "5", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst, token := e.takeInvite(tmpl.ID, "ar")
			c := e.client()
			sections := tmpl.Def.Sections
			whatWrong, _ := tmpl.Def.Question("what_wrong")
			for i, sec := range sections {
				r := e.get(c, "/s/"+token)
				if r.status != http.StatusOK {
					t.Fatalf("page %d: status %d", i+1, r.status)
				}
				takeContains(t, fmt.Sprintf("page %d", i+1), r.body, `<html lang="ar" dir="rtl">`, `<meta name="robots" content="noindex">`,
					e.hospA.NameAR, tmpl.NameAR, fmt.Sprintf("الصفحة %d من 3", i+1), `<progress max="3" value="`+strconv.Itoa(i+1)+`"`,
					sec.TitleAR, `name="page" value="`+strconv.Itoa(i)+`"`, map[bool]string{true: ">إرسال<", false: ">التالي<"}[i == 2])
				for _, q := range sec.Questions {
					if q.ShowIf == nil {
						takeContains(t, fmt.Sprintf("page %d", i+1), r.body, q.TextAR)
					}
				}
				if i == 0 {
					takeContains(t, "the first page", r.body, tmpl.Def.IntroAR)
					takeLacks(t, "the first page", r.body, `value="back"`)
				} else {
					takeContains(t, "a later page", r.body, `value="back"`, ">السابق<")
					takeLacks(t, "a later page", r.body, tmpl.Def.IntroAR)
				}
				takeLacks(t, "a page before the answer", r.body, whatWrong.TextAR)
				v := takeAnswers(sec, "4")
				if sec.ID == "overall_page" {
					v.Set("overall", tc.overall)
					v.Del("what_wrong")
				}
				e.takeStep(c, token, i, "next", v)
			}
			r := e.get(c, "/s/"+token)
			if tc.followUp {
				takeContains(t, "the last page again", r.body, "الصفحة 3 من 3", whatWrong.TextAR, `name="what_wrong"`, `id="q-overall-1" name="overall" value="2" checked`)
				e.takeStep(c, token, 2, "next", url.Values{"overall": {"2"}, "recommend": {"3"}, "what_wrong": {"انتظرت طويلاً"}})
				r = e.get(c, "/s/"+token)
			}
			takeContains(t, "the thank-you page", r.body, "شكراً لك", "وصلتنا إجاباتك", `<meta name="robots" content="noindex">`)
			takeLacks(t, "the thank-you page", r.body, "<form class=\"form survey-form\"", "http-equiv")
			if n := e.takeResponses(inst.ID); n != 1 {
				t.Fatalf("%d responses, want 1", n)
			}
			var answers string
			e.a.Store.R.QueryRow(`select answers from survey_responses where instance_id = ?`, inst.ID).Scan(&answers)
			if got := strings.Contains(answers, "what_wrong"); got != tc.followUp {
				t.Errorf("what_wrong answered = %v, want %v: %s", got, tc.followUp, answers)
			}

			// Submitting the last page again (another tab, a double tap) shows the thank-you page and writes nothing.
			e.takeStep(c, token, 2, "next", url.Values{"overall": {"1"}, "recommend": {"0"}})
			if r := e.get(c, "/s/"+token); !strings.Contains(r.body, "شكراً لك") {
				t.Errorf("after a second submit: %.300s", r.body)
			}
			if n := e.takeResponses(inst.ID); n != 1 {
				t.Errorf("%d responses after a second submit, want 1", n)
			}
		})
	}
}

// TestPublicSurveyBackAndLanguage goes back a page (the answers saved are shown again) and
// switches the page to English with the usual switch, keeping the link.
func TestPublicSurveyBackAndLanguage(t *testing.T) {
	e := takeEnv(newEnv(t))
	tmpl := e.takeTemplate("Inpatient experience")
	_, token := e.takeInvite(tmpl.ID, "ar")
	c := e.client()
	e.get(c, "/s/"+token)
	e.takeStep(c, token, 0, "next", takeAnswers(tmpl.Def.Sections[0], "3"))
	e.takeStep(c, token, 1, "back", nil)
	r := e.get(c, "/s/"+token)
	takeContains(t, "the first page again", r.body, "الصفحة 1 من 3", `id="q-nurse_courtesy-2" name="nurse_courtesy" value="3" checked`)

	takeContains(t, "the language switch", r.body, `<input type="hidden" name="next" value="/s/`+token+`">`, `name="lang" value="en"`)
	sw := e.post(c, "/language", url.Values{"lang": {"en"}, "next": {"/s/" + token}})
	if sw.status != http.StatusSeeOther || sw.header.Get("Location") != "/s/"+token {
		t.Fatalf("language switch: %d %q", sw.status, sw.header.Get("Location"))
	}
	r = e.get(c, "/s/"+token)
	takeContains(t, "the English page", r.body, `<html lang="en" dir="ltr">`, "Page 1 of 3", e.hospA.NameEN, tmpl.NameEN,
		"How well did the nurses treat you with courtesy and respect?", "1: Very poor", "5: Excellent")
}

// TestPublicSurveyMissingAnswer posts a page with a required answer missing: 422, the error
// beside the question and in the summary, the other answers kept, nothing saved.
func TestPublicSurveyMissingAnswer(t *testing.T) {
	e := takeEnv(newEnv(t))
	tmpl := e.takeTemplate("Inpatient experience")
	inst, token := e.takeInvite(tmpl.ID, "en")
	c := e.client()
	v := takeAnswers(tmpl.Def.Sections[0], "4")
	v.Del("doctor_explain")
	v.Set("page", "0")
	v.Set("action", "next")
	r := e.post(c, "/s/"+token, v)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.status)
	}
	takeContains(t, "the page with an error", r.body,
		`<div class="error-summary" role="alert" tabindex="-1" autofocus>`,
		`<a href="#q-doctor_explain-0">How well did the doctors explain your condition and treatment? — Please answer this question.</a>`,
		`<fieldset class="q has-error" role="radiogroup" aria-required="true" aria-invalid="true" aria-describedby="q-doctor_explain-scale q-doctor_explain-error">`,
		`<p id="q-doctor_explain-error" class="field-error">Please answer this question.</p>`,
		`id="q-nurse_courtesy-3" name="nurse_courtesy" value="4" checked`,
		"Page 1 of 3")
	if strings.Count(r.body, `class="field-error"`) != 1 {
		t.Errorf("want exactly one question in error")
	}
	got, err := e.a.Store.SurveyInstanceByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if got.Page != 0 || len(got.Answers) != 0 {
		t.Errorf("saved page %d answers %v, want nothing saved", got.Page, got.Answers)
	}
	if n := e.takeResponses(inst.ID); n != 0 {
		t.Errorf("%d responses", n)
	}
}

// TestPublicSurveyBadLinks: an altered, a malformed and an unknown token get 404 and an
// expired one 410, all without any survey, patient or hospital data.
func TestPublicSurveyBadLinks(t *testing.T) {
	e := takeEnv(newEnv(t))
	tmpl := e.takeTemplate("Inpatient experience")
	_, token := e.takeInvite(tmpl.ID, "ar")
	_, expired := e.takeInvite(tmpl.ID, "ar")
	if _, err := e.a.Store.W.Exec(`update survey_instances set expires_at = ? where token_hash = ?`,
		time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"), store.SurveyTokenHash(expired)); err != nil {
		t.Fatal(err)
	}
	altered := []byte(token)
	altered[5] = map[bool]byte{true: 'B', false: 'A'}[altered[5] == 'A']
	c := e.client()
	for _, tc := range []struct {
		name, path string
		status     int
		text       string
	}{
		{"altered token", "/s/" + string(altered), 404, "This survey link does not work"},
		{"malformed token", "/s/not-a-token", 404, "This survey link does not work"},
		{"too long token", "/s/" + token + "A", 404, "This survey link does not work"},
		{"expired", "/s/" + expired, 410, "This survey has closed"},
		{"unknown ward code", "/w/abcdefghij", 404, "This survey link does not work"},
		{"malformed ward code", "/w/x", 404, "This survey link does not work"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"GET", "POST"} {
				if method == "POST" && strings.HasPrefix(tc.path, "/w/") {
					continue
				}
				var r response
				if method == "GET" {
					r = e.get(c, tc.path)
				} else {
					r = e.post(c, tc.path, url.Values{"page": {"0"}, "action": {"next"}, "nurse_courtesy": {"5"}})
				}
				if r.status != tc.status {
					t.Fatalf("%s: status %d, want %d", method, r.status, tc.status)
				}
				takeContains(t, method, r.body, tc.text, `<meta name="robots" content="noindex">`)
				takeContains(t, method, r.body, map[int]string{404: "رابط الاستبيان هذا لا يعمل", 410: "انتهت مدة هذا الاستبيان"}[tc.status])
				takeLacks(t, method, r.body, e.hospA.NameEN, e.hospA.NameAR, tmpl.NameEN, tmpl.NameAR, "<form class=\"form survey-form\"")
			}
		})
	}
	if r := e.get(c, "/s/"+token); r.status != http.StatusOK {
		t.Errorf("the real link: status %d", r.status)
	}
}

// TestPublicSurveyWardLink starts a new anonymous survey on each visit of a ward link; a kiosk's
// thank-you page starts again by itself.
func TestPublicSurveyWardLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ward := e.takeTemplate("Ward feedback (anonymous)")
	loc := app.SurveyLocation{HospitalID: e.hospA.ID, Family: ward.Family, NameEN: "Ward 3", NameAR: "الجناح 3",
		Code: app.NewLocationCode(), Kiosk: true, Active: true}
	if err := e.a.Store.InTx(ctx, app.System, func(tx *store.Tx) error { return tx.SaveSurveyLocation(ctx, &loc) }); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	var tokens []string
	for range 2 {
		r := e.get(c, "/w/"+loc.Code)
		m := regexp.MustCompile(`^/s/([A-Za-z0-9_-]{22})$`).FindStringSubmatch(r.header.Get("Location"))
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("ward link: %d %q", r.status, r.header.Get("Location"))
		}
		tokens = append(tokens, m[1])
	}
	if tokens[0] == tokens[1] {
		t.Fatal("two visits share one survey")
	}
	r := e.get(c, "/s/"+tokens[0])
	takeContains(t, "the ward survey", r.body, `<html lang="ar" dir="rtl">`, ward.NameAR, "الصفحة 1 من 1", ">إرسال<", ward.Def.IntroAR)
	e.takeStep(c, tokens[0], 0, "next", takeAnswers(ward.Def.Sections[0], "5"))
	r = e.get(c, "/s/"+tokens[0])
	takeContains(t, "the kiosk's thank-you page", r.body, "شكراً لك",
		`<meta http-equiv="refresh" content="10;url=/w/`+loc.Code+`">`, `href="/w/`+loc.Code+`"`, "ابدأ من جديد")
	var n int
	e.a.Store.R.QueryRow(`select count(*) from survey_instances where location_id = ?`, loc.ID).Scan(&n)
	if n != 2 {
		t.Errorf("%d instances for the location, want 2", n)
	}
	if r := e.get(c, "/s/"+tokens[1]); r.status != http.StatusOK || strings.Contains(r.body, "شكراً لك") {
		t.Errorf("the second visit's survey: %d", r.status)
	}
}

// TestPublicSurveyRateLimit: failed look-ups use up the public limiter, and then
// even a good link waits; a patient walking a good link uses none.
func TestPublicSurveyRateLimit(t *testing.T) {
	e := takeEnv(newEnvWith(t, appliance.Config{LoginRate: rate.Every(time.Minute), LoginBurst: 3}))
	tmpl := e.takeTemplate("Outpatient visit")
	_, token := e.takeInvite(tmpl.ID, "en")
	c := e.client()
	for range 5 {
		if r := e.get(c, "/s/"+token); r.status != http.StatusOK {
			t.Fatalf("a good link: %d", r.status)
		}
	}
	statuses := map[int]int{}
	for range 4 {
		statuses[e.get(c, "/s/AAAAAAAAAAAAAAAAAAAAAA").status]++
	}
	if statuses[404] != 3 || statuses[429] != 1 {
		t.Fatalf("unknown links: %v, want three 404 then 429", statuses)
	}
	if r := e.get(c, "/s/"+token); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Please wait a moment") {
		t.Errorf("a good link after the guesses: %d", r.status)
	}
}

// TestPublicSurveyPageWeight: one survey page with everything it loads stays under 50 KB
// as a phone downloads it (the stylesheet is served gzip-compressed to every browser that
// accepts it, which is every phone browser).
func TestPublicSurveyPageWeight(t *testing.T) {
	e := takeEnv(newEnv(t))
	tmpl := e.takeTemplate("Inpatient experience")
	_, token := e.takeInvite(tmpl.ID, "ar")
	c := e.client()
	total := 0
	for i := range tmpl.Def.Sections {
		r := e.get(c, "/s/"+token)
		if r.status != http.StatusOK {
			t.Fatal(r.status)
		}
		page := len(r.body)
		for _, m := range regexp.MustCompile(`<(?:link rel="stylesheet" href|script src)="([^"]+)"`).FindAllStringSubmatch(r.body, -1) {
			req, _ := http.NewRequest("GET", e.srv.URL+m[1], nil)
			req.Header.Set("Accept-Encoding", "gzip") // set by hand: the client then leaves the body compressed
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || len(b) == 0 {
				t.Fatalf("%s: %d", m[1], res.StatusCode)
			}
			page += len(b)
		}
		if strings.Contains(r.body, "<script") || strings.Contains(r.body, "http://") || strings.Contains(r.body, "https://") {
			t.Errorf("page %d loads a script or an outside resource", i+1)
		}
		t.Logf("page %d: HTML %d bytes, with its stylesheet as downloaded %d bytes", i+1, len(r.body), page)
		if page >= 50*1024 {
			t.Errorf("page %d weighs %d bytes, want < 50 KB", i+1, page)
		}
		total = max(total, page)
		e.takeStep(c, token, i, "next", takeAnswers(tmpl.Def.Sections[i], "4"))
	}
	if total == 0 {
		t.Fatal("nothing measured")
	}
}

// TestPublicSurveyQuestionTypes renders every kind of question in English with its widget
// and labels, and saves several choices of a multiple-choice question.
func TestPublicSurveyQuestionTypes(t *testing.T) {
	e := takeEnv(newEnv(t))
	ctx := context.Background()
	def := app.SurveyDefinition{Sections: []app.SurveyPage{{ID: "all", TitleEN: "All kinds", TitleAR: "كل الأنواع", Questions: []app.Question{
		{ID: "food", Type: app.QLikert, TextEN: "The food was good.", TextAR: "كان الطعام جيداً.", Required: true},
		{ID: "again", Type: app.QYesNo, TextEN: "Would you come again?", TextAR: "هل تعود إلينا؟"},
		{ID: "ward", Type: app.QSingle, TextEN: "Which ward?", TextAR: "أي جناح؟", Required: true, Options: []app.Option{
			{Value: "w1", LabelEN: "Ward one", LabelAR: "الجناح الأول"}, {Value: "w2", LabelEN: "Ward two", LabelAR: "الجناح الثاني"}}},
		{ID: "liked", Type: app.QMultiple, TextEN: "What did you like?", TextAR: "ما الذي أعجبك؟", Options: []app.Option{
			{Value: "staff", LabelEN: "The staff", LabelAR: "الطاقم"}, {Value: "room", LabelEN: "The room", LabelAR: "الغرفة"},
			{Value: "food", LabelEN: "The food", LabelAR: "الطعام"}}},
		{ID: "name", Type: app.QShortText, TextEN: "One word for us?", TextAR: "كلمة لنا؟", Required: true},
		{ID: "story", Type: app.QLongText, TextEN: "Tell us more.", TextAR: "أخبرنا المزيد."},
	}}}}
	tmpl, err := e.a.Surveys.Create(ctx, app.System, app.SurveyTemplate{Kind: app.SurveyGeneral, NameEN: "Every kind", NameAR: "كل الأنواع",
		Def: def, ExpiryDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.a.Surveys.Publish(ctx, app.System, tmpl.ID); err != nil {
		t.Fatal(err)
	}
	inst, token := e.takeInvite(tmpl.ID, "en")
	c := e.client()
	r := e.get(c, "/s/"+token)
	takeContains(t, "the page", r.body,
		`<fieldset class="q" role="radiogroup" aria-required="true"><legend>The food was good.<span class="req" aria-hidden="true">*</span></legend>`,
		`<input type="radio" id="q-food-0" name="food" value="1" required><label for="q-food-0">Strongly disagree</label>`,
		`<label for="q-food-4">Strongly agree</label>`,
		`<fieldset class="q" role="radiogroup"><legend>Would you come again?</legend>`,
		`<input type="radio" id="q-again-0" name="again" value="yes"><label for="q-again-0">Yes</label>`,
		`<label for="q-ward-1">Ward two</label>`,
		`<fieldset class="q" role="group"><legend>What did you like?</legend>`,
		`<input type="checkbox" id="q-liked-2" name="liked" value="food"><label for="q-liked-2">The food</label>`,
		`<label for="q-name">One word for us?<span class="req" aria-hidden="true">*</span></label><input id="q-name" name="name" maxlength="300" dir="auto" required aria-required="true" type="text" value="">`,
		`<textarea id="q-story" name="story" maxlength="4000" dir="auto" aria-describedby="q-story-hint" rows="4"></textarea>`,
		"Up to 4000 characters.", "Page 1 of 1", ">Submit<")

	long := strings.Repeat("a", app.MaxShortAnswer+1)
	form := url.Values{"page": {"0"}, "action": {"next"}, "food": {"4"}, "ward": {"w3"}, "liked": {"staff", "food"}, "name": {long}}
	r = e.post(c, "/s/"+token, form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.status)
	}
	takeContains(t, "the page with errors", r.body,
		`<a href="#q-ward-0">Which ward? — Choose one of the options.</a>`,
		`<a href="#q-name">One word for us? — This is too long.</a>`,
		`aria-invalid="true" aria-describedby="q-name-error"`,
		`value="`+long+`"`, `id="q-food-3" name="food" value="4" checked`,
		`id="q-liked-0" name="liked" value="staff" checked`, `id="q-liked-2" name="liked" value="food" checked`)
	takeLacks(t, "the page with errors", r.body, `id="q-liked-1" name="liked" value="room" checked`)

	form.Set("ward", "w2")
	form.Set("name", "Kind")
	e.takeStep(c, token, 0, "next", form)
	var answers string
	if err := e.a.Store.R.QueryRow(`select answers from survey_responses where instance_id = ?`, inst.ID).Scan(&answers); err != nil {
		t.Fatal(err)
	}
	takeContains(t, "the response", answers, `"liked":["staff","food"]`, `"ward":["w2"]`, `"name":["Kind"]`)
}
