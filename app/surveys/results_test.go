package surveys_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/app/notify/provider/providertest"
	"px360/app/surveys"
	"px360/app/vault"
	"px360/store"
)

// staffClock is a settable clock shared by the store and the services.
type staffClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *staffClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *staffClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// staffEnv is a real store, vault, notification service (SMS through a fake Twilio on
// loopback) and survey service, with two hospitals, departments and patients.
type staffEnv struct {
	ctx          context.Context
	st           *store.Store
	svc          *surveys.Service
	notify       *notify.Service
	clock        *staffClock
	hospA, hospB app.Hospital
	deptA        app.Department
	deptA2       app.Department
	deptB        app.Department
	patientA     app.Patient
	admin        app.Principal // PX admin, every hospital
	adminA       app.Principal // hospital admin of A
	viewerA      app.Principal
}

// staffNoon is a weekday midday in Riyadh (a Wednesday).
var staffNoon = time.Date(2026, 11, 25, 12, 0, 0, 0, app.Riyadh())

func newStaffEnv(t testing.TB) *staffEnv {
	t.Helper()
	ctx, dir := context.Background(), t.TempDir()
	c := &staffClock{t: staffNoon}
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := providertest.NewHTTP(t)
	n := notify.New(st, v, nil)
	n.Now, n.HTTPClient, n.DefaultURL = c.Now, fake.Client(), "https://px.example"
	e := &staffEnv{ctx: ctx, st: st, notify: n, clock: c, svc: surveys.New(st, n, v, nil),
		admin: app.Principal{Email: "admin@test", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}}
	e.svc.Now = c.Now
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(ctx, "Group", "المجموعة")
		if err != nil {
			return err
		}
		for _, x := range []struct {
			h    *app.Hospital
			code string
		}{{&e.hospA, "RCH"}, {&e.hospB, "JGH"}} {
			*x.h = app.Hospital{OrganizationID: org, Code: x.code, NameEN: x.code + " Hospital", NameAR: "مستشفى " + x.code,
				TimeZone: "Asia/Riyadh", Active: true}
			if err := tx.SaveHospital(ctx, x.h); err != nil {
				return err
			}
		}
		for _, x := range []struct {
			d    *app.Department
			h    int64
			code string
		}{{&e.deptA, e.hospA.ID, "MED"}, {&e.deptA2, e.hospA.ID, "SURG"}, {&e.deptB, e.hospB.ID, "MED"}} {
			*x.d = app.Department{HospitalID: x.h, Code: x.code, NameEN: x.code, NameAR: "قسم " + x.code, Category: app.DepartmentCategories[0], Active: true}
			if err := tx.SaveDepartment(ctx, x.d); err != nil {
				return err
			}
		}
		e.patientA = app.Patient{HospitalID: e.hospA.ID, MRN: "MRN-1", NameEN: "Sara Ali", NameAR: "سارة علي", Phone: "+966501112233",
			Language: "ar", BirthDate: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC)}
		return tx.SavePatient(ctx, &e.patientA, nil, "", false)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.SaveProvider(ctx, e.admin, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{"base_url": fake.URL(),
		"account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken, "from": "+15005550006"}); err != nil {
		t.Fatal(err)
	}
	e.adminA = app.Principal{Email: "admin.a@test", Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	e.viewerA = app.Principal{Email: "viewer.a@test", Role: app.RoleViewer, Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	return e
}

// template returns the default template named en.
func (e *staffEnv) template(t testing.TB, en string) app.SurveyTemplate {
	t.Helper()
	ts, err := e.svc.Templates(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.NameEN == en {
			return x
		}
	}
	t.Fatalf("no template %q", en)
	return app.SurveyTemplate{}
}

// wardSurvey creates and publishes a ward template with a rating, an NPS question, a
// single choice, a yes/no and a comment, and a link for it at department deptA.
func (e *staffEnv) wardSurvey(t testing.TB) (app.SurveyTemplate, app.SurveyLocation) {
	t.Helper()
	good, bad := 100, 0
	six := 6
	def := app.SurveyDefinition{Sections: []app.SurveyPage{{ID: "p1", TitleEN: "Today", TitleAR: "اليوم", Questions: []app.Question{
		{ID: "overall", Type: app.QRating, TextEN: "Overall?", TextAR: "بشكل عام؟", Required: true, Scored: true, Flagged: true},
		{ID: "recommend", Type: app.QNPS, TextEN: "Recommend?", TextAR: "توصي؟"},
		{ID: "food", Type: app.QSingle, Scored: true, TextEN: "Food?", TextAR: "الطعام؟", Options: []app.Option{
			{Value: "good", LabelEN: "Good", LabelAR: "جيد", Score: &good}, {Value: "bad", LabelEN: "Bad", LabelAR: "سيئ", Score: &bad}}},
		{ID: "clean", Type: app.QYesNo, TextEN: "Clean?", TextAR: "نظيف؟"},
		{ID: "comments", Type: app.QLongText, TextEN: "Comments", TextAR: "ملاحظات"},
	}}}, Negative: app.NegativeRule{ScoreBelow: 50, NPSAtMost: &six, FlaggedAtMost: 2}}
	tpl, err := e.svc.Create(e.ctx, e.admin, app.SurveyTemplate{Kind: app.SurveyWard, NameEN: "Ward test", NameAR: "اختبار القسم",
		Def: def, ExpiryDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Publish(e.ctx, e.admin, tpl.ID); err != nil {
		t.Fatal(err)
	}
	loc, err := e.svc.SaveLocation(e.ctx, e.admin, app.SurveyLocation{HospitalID: e.hospA.ID, DepartmentID: e.deptA.ID,
		Family: tpl.Family, NameEN: "Ward 3", NameAR: "الجناح 3", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return tpl, loc
}

// answer submits one anonymous response through the public flow of a ward link.
func (e *staffEnv) answer(t testing.TB, code string, a app.Answers) {
	t.Helper()
	token, err := e.svc.StartAnonymous(e.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Open(e.ctx, token); err != nil {
		t.Fatal(err)
	}
	f, err := e.svc.Save(e.ctx, token, surveys.Step{Page: 0, Action: "next", Answers: a})
	if err != nil || !f.Completed {
		t.Fatalf("submit %v: completed %v, %v", a, f.Completed, err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func TestResultsAddUpTheCounters(t *testing.T) {
	e := newStaffEnv(t)
	tpl, loc := e.wardSurvey(t)
	// Ratings 5, 4, 1 → scores 100, 75, 0 (with food good/bad/–): the response score is the
	// mean of the scored questions answered.
	e.answer(t, loc.Code, app.Answers{"overall": {"5"}, "recommend": {"10"}, "food": {"good"}, "clean": {"yes"}, "comments": {"Great"}})
	e.answer(t, loc.Code, app.Answers{"overall": {"4"}, "recommend": {"8"}, "food": {"bad"}, "clean": {"yes"}})
	e.answer(t, loc.Code, app.Answers{"overall": {"1"}, "recommend": {"3"}, "clean": {"no"}})

	res, err := e.svc.Results(e.ctx, e.admin, tpl.Family, surveys.ResultFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// Scores: (100+100)/2=100, (75+0)/2=37.5, 0 → CSAT 45.83; satisfied 1 of 3.
	if res.Total.Responses != 3 || res.Total.Scored != 3 || !near(res.Total.CSAT, (100+37.5+0)/3) || !near(res.Total.Satisfied, 100.0/3) {
		t.Errorf("totals: %+v", res.Total)
	}
	if res.Total.HasRate || res.Total.Invited != 0 {
		t.Errorf("a ward link invites nobody, yet rate %v invited %d", res.Total.HasRate, res.Total.Invited)
	}
	// NPS: 1 promoter, 1 passive, 1 detractor → 0, n = 3: not reportable below 30.
	if res.Total.NPSN != 3 || res.Total.Promoters != 1 || res.Total.Passives != 1 || res.Total.Detractors != 1 ||
		res.Total.NPS != 0 || res.Total.NPSReportable {
		t.Errorf("nps: %+v", res.Total)
	}
	// Negative: the second (score 37.5 < 50) and third (flagged 1, NPS 3).
	if res.Total.Negatives != 2 {
		t.Errorf("negatives: %d", res.Total.Negatives)
	}
	if len(res.Weeks) != 1 || res.Weeks[0].Responses != 3 || res.Weeks[0].Week.Weekday() != time.Monday {
		t.Errorf("weeks: %+v", res.Weeks)
	}
	if len(res.Hospitals) != 1 || res.Hospitals[0].ID != e.hospA.ID || len(res.Depts) != 1 || res.Depts[0].ID != e.deptA.ID {
		t.Errorf("breakdowns: %+v %+v", res.Hospitals, res.Depts)
	}
	dist := map[string]surveys.QuestionResult{}
	for _, q := range res.Questions {
		dist[q.Question.ID] = q
	}
	if _, ok := dist["comments"]; ok {
		t.Error("a text question has a distribution")
	}
	overall := dist["overall"]
	if len(overall.Values) != 5 || overall.Values[0].Value != "1" || overall.Values[0].Count != 1 || overall.Values[3].Count != 1 ||
		overall.Values[4].Count != 1 || overall.Total != 3 || !near(overall.Values[4].Percent, 100.0/3) || !near(overall.Mean, 10.0/3) {
		t.Errorf("overall distribution: %+v", overall)
	}
	food := dist["food"]
	if len(food.Values) != 2 || food.Values[0].Value != "good" || food.Values[0].Option == nil || food.Values[0].Option.LabelEN != "Good" ||
		food.Values[0].Count != 1 || food.Values[1].Count != 1 || food.Total != 2 {
		t.Errorf("food distribution: %+v", food)
	}
	if rec := dist["recommend"]; len(rec.Values) != 11 || rec.Values[10].Count != 1 || rec.Values[8].Count != 1 || rec.Values[3].Count != 1 {
		t.Errorf("nps distribution: %+v", rec)
	}
	if clean := dist["clean"]; clean.Values[0].Value != "yes" || clean.Values[0].Count != 2 || clean.Values[1].Count != 1 {
		t.Errorf("yes/no distribution: %+v", clean)
	}

	// 27 more promoters: 30 NPS answers, reportable: (28 − 1) / 30 = 90.
	for range 27 {
		e.answer(t, loc.Code, app.Answers{"overall": {"5"}, "recommend": {"9"}})
	}
	res, err = e.svc.Results(e.ctx, e.admin, tpl.Family, surveys.ResultFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.NPSN != 30 || !res.Total.NPSReportable || !near(res.Total.NPS, 90) {
		t.Errorf("nps at 30 answers: %+v", res.Total)
	}
}

func TestResultsFiltersAndScope(t *testing.T) {
	e := newStaffEnv(t)
	tpl, loc := e.wardSurvey(t)
	e.answer(t, loc.Code, app.Answers{"overall": {"5"}})
	// A week later, another response.
	e.clock.Add(7 * 24 * time.Hour)
	e.answer(t, loc.Code, app.Answers{"overall": {"3"}})

	res, err := e.svc.Results(e.ctx, e.viewerA, tpl.Family, surveys.ResultFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Responses != 2 || len(res.Weeks) != 2 || res.Weeks[0].Responses != 1 || res.Weeks[1].Responses != 1 {
		t.Errorf("two weeks: total %d weeks %+v", res.Total.Responses, res.Weeks)
	}
	// From the second week only.
	res, err = e.svc.Results(e.ctx, e.viewerA, tpl.Family, surveys.ResultFilter{From: e.clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Responses != 1 || !near(res.Total.CSAT, 50) {
		t.Errorf("from the second week: %+v", res.Total)
	}
	// Another department: nothing.
	res, err = e.svc.Results(e.ctx, e.viewerA, tpl.Family, surveys.ResultFilter{DepartmentID: e.deptA2.ID})
	if err != nil || res.Total.Responses != 0 {
		t.Errorf("other department: %+v %v", res.Total, err)
	}
	// Hospital B's viewer sees the group-wide template but none of A's answers.
	viewerB := app.Principal{Role: app.RoleViewer, Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
	res, err = e.svc.Results(e.ctx, viewerB, tpl.Family, surveys.ResultFilter{})
	if err != nil || res.Total.Responses != 0 || len(res.Questions) == 0 || res.Questions[0].Total != 0 {
		t.Errorf("hospital B's view of A's answers: %+v %v", res.Total, err)
	}
	if _, err := e.svc.Results(e.ctx, viewerB, tpl.Family, surveys.ResultFilter{HospitalID: e.hospA.ID}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("hospital B filtering on A: %v", err)
	}
	staff := app.Principal{Role: app.RoleStaff, Scope: app.Scope{HospitalIDs: []int64{e.hospA.ID}}}
	if _, err := e.svc.Results(e.ctx, staff, tpl.Family, surveys.ResultFilter{}); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("staff without survey.view: %v", err)
	}
	page, err := e.svc.Responses(e.ctx, e.viewerA, tpl.Family, surveys.ResultFilter{}, 0, 0)
	if err != nil || len(page.Items) != 2 || page.Items[0].CreatedAt.Before(page.Items[1].CreatedAt) {
		t.Fatalf("responses newest first: %+v %v", page.Items, err)
	}
}

// linkToken finds the survey token in the last invitation message sent to a number.
var tokenInLink = regexp.MustCompile(`/s/([A-Za-z0-9_-]{22})`)

func (e *staffEnv) tokenOf(t testing.TB, messageID int64) string {
	t.Helper()
	page, err := e.st.ListMessages(e.ctx, app.ListQuery{Scope: app.Scope{All: true}, Limit: 500}, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Items {
		if m.ID == messageID {
			if got := tokenInLink.FindStringSubmatch(m.Body); got != nil {
				return got[1]
			}
		}
	}
	t.Fatalf("no link in message %d", messageID)
	return ""
}

func TestResultsResponseRate(t *testing.T) {
	e := newStaffEnv(t)
	tpl := e.template(t, "Outpatient visit")
	var first app.SurveyInstance
	for i := range 4 {
		in, err := e.svc.Invite(e.ctx, e.admin, surveys.Invitation{TemplateID: tpl.ID, HospitalID: e.hospA.ID, DepartmentID: e.deptA.ID,
			Name: "Patient", Phone: "+96650000000" + strconv.Itoa(i), Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = in
		}
	}
	token := e.tokenOf(t, first.MessageID)
	f, err := e.svc.Save(e.ctx, token, surveys.Step{Page: 0, Action: "next", Answers: app.Answers{"waiting_time": {"4"},
		"doctor_courtesy": {"5"}, "doctor_explain": {"5"}, "overall": {"5"}, "recommend": {"9"}}})
	if err != nil || !f.Completed {
		t.Fatalf("submit: %v %v", f.Completed, err)
	}
	res, err := e.svc.Results(e.ctx, e.adminA, tpl.Family, surveys.ResultFilter{HospitalID: e.hospA.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Invited != 4 || res.Total.Responses != 1 || !res.Total.HasRate || !near(res.Total.ResponseRate, 25) {
		t.Errorf("rate: %+v", res.Total)
	}
}
