package surveys_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
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

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	ctx      context.Context
	st       *store.Store
	notify   *notify.Service
	svc      *surveys.Service
	clock    *clock
	fake     *providertest.HTTP
	hospital int64
	dept     int64
	psych    int64
	inpat    app.SurveyTemplate
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	c := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} // noon in Riyadh
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{ctx: ctx, st: st, clock: c, fake: providertest.NewHTTP(t)}
	f.notify = notify.New(st, v, nil)
	f.notify.Now, f.notify.HTTPClient, f.notify.DefaultURL = c.Now, f.fake.Client(), "https://px.example"
	f.svc = surveys.New(st, f.notify, v, nil)
	f.svc.Now = c.Now
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		h := app.Hospital{OrganizationID: org, Code: "RCH", NameEN: "Riyadh Central", NameAR: "الرياض المركزي", TimeZone: "Asia/Riyadh", Active: true}
		if err := tx.SaveHospital(ctx, &h); err != nil {
			return err
		}
		f.hospital = h.ID
		for _, d := range []*app.Department{{HospitalID: h.ID, Code: "MED", NameEN: "Medicine", NameAR: "الباطنية", Category: app.DeptMedical, Active: true},
			{HospitalID: h.ID, Code: "PSY", NameEN: "Psychiatry", NameAR: "الطب النفسي", Category: app.DeptMedical, Active: true}} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	depts, _ := st.Departments(ctx, app.System.Scope)
	for _, d := range depts {
		if d.Code == "MED" {
			f.dept = d.ID
		} else {
			f.psych = d.ID
		}
	}
	if err := f.notify.SaveProvider(ctx, app.System, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{"base_url": f.fake.URL(),
		"account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken, "from": "+15005550006"}); err != nil {
		t.Fatal(err)
	}
	if err := f.notify.SaveRules(ctx, app.System, app.ContactRules{HospitalID: f.hospital, CapHours: 24}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	ts, err := st.SurveyTemplates(ctx, app.System.Scope)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range ts {
		if tp.NameEN == "Inpatient experience" {
			f.inpat = tp
		}
	}
	return f
}

var linkRE = regexp.MustCompile(`/s/([A-Za-z0-9_-]{22})`)

// invite invites a phone number and returns the token from the SMS that went out.
func (f *fixture) invite(t *testing.T, in surveys.Invitation) (app.SurveyInstance, string) {
	t.Helper()
	if in.TemplateID == 0 {
		in.TemplateID = f.inpat.ID
	}
	if in.HospitalID == 0 {
		in.HospitalID = f.hospital
	}
	inst, err := f.svc.Invite(f.ctx, app.System, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.notify.Run(f.ctx, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	reqs := f.fake.Requests()
	m := linkRE.FindStringSubmatch(reqs[len(reqs)-1].Body)
	if m == nil {
		t.Fatalf("no survey link in %q", reqs[len(reqs)-1].Body)
	}
	return inst, m[1]
}

// answerAll walks the inpatient survey with every rating r and NPS n.
func (f *fixture) answerAll(t *testing.T, token, r, n string) surveys.Form {
	t.Helper()
	form, err := f.svc.Open(f.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	for !form.Completed {
		a := app.Answers{}
		for _, q := range form.Current().Questions {
			switch q.Type {
			case app.QRating, app.QLikert:
				a[q.ID] = []string{r}
			case app.QNPS:
				a[q.ID] = []string{n}
			case app.QYesNo:
				a[q.ID] = []string{"yes"}
			case app.QLongText:
				if q.ID == "what_wrong" { // shown only after a low overall rating
					a[q.ID] = []string{"انتظرت طويلاً ولم يرد أحد"}
				}
			}
		}
		if form, err = f.svc.Save(f.ctx, token, surveys.Step{Page: form.Page, Action: "next", Answers: a}); err != nil {
			t.Fatal(err)
		}
	}
	return form
}

func (f *fixture) events(t *testing.T, kind string) []map[string]any {
	t.Helper()
	rows, err := f.st.R.QueryContext(f.ctx, `select payload from outbox where kind = ? order by id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var p string
		rows.Scan(&p)
		m := map[string]any{}
		json.Unmarshal([]byte(p), &m)
		out = append(out, m)
	}
	return out
}

func TestInvitationLinkWalkAndSubmitOnce(t *testing.T) {
	f := newFixture(t)
	inst, token := f.invite(t, surveys.Invitation{Phone: "0501234567", Lang: "ar", DepartmentID: f.dept})
	if got, _ := f.st.SurveyInstanceByID(f.ctx, app.System.Scope, inst.ID); got.Status != app.SurveySent || got.Channel != app.ChannelSMS {
		t.Fatalf("after sending: %s %s", got.Status, got.Channel)
	}
	if len(token) != 22 || len(f.fake.Requests()[0].Body) > 160 {
		t.Fatalf("link too long for one SMS: %q", f.fake.Requests()[0].Body)
	}
	form, err := f.svc.Open(f.ctx, token)
	if err != nil || form.Page != 0 || len(form.Pages) != 3 {
		t.Fatalf("open: %+v %v", form.Pages, err)
	}
	// A required question left empty: an error, nothing saved.
	_, err = f.svc.Save(f.ctx, token, surveys.Step{Page: 0, Action: "next", Answers: app.Answers{"nurse_courtesy": {"5"}}})
	if fe := app.Fields(err); fe["nurse_listen"] != "err.required" {
		t.Fatalf("missing required answer: %v", err)
	}
	if got, _ := f.st.SurveyInstanceByID(f.ctx, app.System.Scope, inst.ID); got.Page != 0 || len(got.Answers) != 0 || got.Status != app.SurveyOpened {
		t.Fatalf("a refused page changed the invitation: %+v", got)
	}
	done := f.answerAll(t, token, "5", "10")
	if !done.Completed {
		t.Fatal("not completed")
	}
	if _, err := f.svc.Save(f.ctx, token, surveys.Step{Page: 2, Action: "next", Answers: app.Answers{"overall": {"1"}}}); err != nil {
		t.Fatal(err)
	}
	var n int
	f.st.R.QueryRow(`select count(*) from survey_responses`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d responses after a double submit", n)
	}
	if form, err := f.svc.Open(f.ctx, token); err != nil || !form.Completed {
		t.Fatalf("a completed link shows the thank-you page: %v %v", form.Completed, err)
	}
	if len(f.events(t, app.EventAnalysisRequested)) != 0 {
		t.Fatal("no text was answered, yet an analysis was requested")
	}
}

func TestAlteredAndExpiredLinks(t *testing.T) {
	f := newFixture(t)
	_, token := f.invite(t, surveys.Invitation{Phone: "0501234567"})
	altered := token[:21] + string("AB"[0]^token[21]&1)
	if altered == token {
		altered = token[:21] + "Z"
	}
	for _, bad := range []string{altered, "short", token + "x", ""} {
		if _, err := f.svc.Open(f.ctx, bad); !errors.Is(err, surveys.ErrUnknownLink) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	f.clock.Add(15 * 24 * time.Hour) // the inpatient template's links live 14 days
	if _, err := f.svc.Open(f.ctx, token); !errors.Is(err, surveys.ErrExpired) {
		t.Fatalf("expired link: %v", err)
	}
	if n, err := f.svc.Sweep(f.ctx, f.clock.Now()); err != nil || n != 1 {
		t.Fatalf("sweep expired %d: %v", n, err)
	}
	if _, err := f.svc.Save(f.ctx, token, surveys.Step{Action: "next"}); !errors.Is(err, surveys.ErrExpired) {
		t.Fatalf("saving on an expired link: %v", err)
	}
}

func TestRoutingShowsTheFollowUpAndDropsHiddenAnswers(t *testing.T) {
	f := newFixture(t)
	_, token := f.invite(t, surveys.Invitation{Phone: "0501234567"})
	form, _ := f.svc.Open(f.ctx, token)
	all := func(r string) app.Answers {
		a := app.Answers{}
		for _, q := range form.Current().Questions {
			if q.Type == app.QYesNo {
				a[q.ID] = []string{"yes"}
			} else {
				a[q.ID] = []string{r}
			}
		}
		return a
	}
	form, _ = f.svc.Save(f.ctx, token, surveys.Step{Page: 0, Action: "next", Answers: all("4")})
	form, _ = f.svc.Save(f.ctx, token, surveys.Step{Page: 1, Action: "next", Answers: all("4")})
	ids := func() []string {
		var out []string
		for _, q := range form.Current().Questions {
			out = append(out, q.ID)
		}
		return out
	}
	if len(ids()) != 3 { // overall, recommend, comments: the follow-up is hidden before an answer
		t.Fatalf("last page before answering: %v", ids())
	}
	// Answering overall = 2 without the now-visible follow-up: it is optional, so it submits.
	// Going back and forth keeps answers.
	form, err := f.svc.Save(f.ctx, token, surveys.Step{Page: 2, Action: "back"})
	if err != nil || form.Page != 1 {
		t.Fatalf("back: %d %v", form.Page, err)
	}
	inst, _ := f.st.SurveyInstanceByToken(f.ctx, token)
	if inst.Answers.Get("cleanliness") != "4" {
		t.Fatalf("saved answers lost going back: %v", inst.Answers)
	}
	form, _ = f.svc.Save(f.ctx, token, surveys.Step{Page: 1, Action: "next", Answers: all("4")})
	form, err = f.svc.Save(f.ctx, token, surveys.Step{Page: 2, Action: "next", Answers: app.Answers{"overall": {"5"}, "recommend": {"9"},
		"what_wrong": {"should be dropped: hidden for a good rating"}}})
	if err != nil || !form.Completed {
		t.Fatalf("submit: %v", err)
	}
	var answers string
	f.st.R.QueryRow(`select answers from survey_responses`).Scan(&answers)
	if regexp.MustCompile(`what_wrong`).MatchString(answers) {
		t.Fatalf("a hidden question's answer was kept: %s", answers)
	}
}

func TestNegativeResponseEmitsExactlyOneEvent(t *testing.T) {
	f := newFixture(t)
	_, good := f.invite(t, surveys.Invitation{Phone: "0501234567", DepartmentID: f.dept})
	f.answerAll(t, good, "5", "10")
	_, bad := f.invite(t, surveys.Invitation{Phone: "0559876543", DepartmentID: f.dept})
	f.answerAll(t, bad, "2", "3")
	f.svc.Save(f.ctx, bad, surveys.Step{Page: 2, Action: "next"}) // a second submit
	neg := f.events(t, app.EventSurveyNegative)
	if len(neg) != 1 || neg[0]["department_id"] != float64(f.dept) || neg[0]["nps"] != float64(3) {
		t.Fatalf("negative events: %v", neg)
	}
	if n := len(f.events(t, app.EventSurveyCompleted)); n != 2 {
		t.Fatalf("completed events: %d", n)
	}
	if n := len(f.events(t, app.EventAnalysisRequested)); n != 1 {
		t.Fatalf("the low rating's follow-up text asks for one analysis, got %d", n)
	}
}

func TestFatigueRuleAndExclusions(t *testing.T) {
	f := newFixture(t)
	f.invite(t, surveys.Invitation{Phone: "0501234567"})
	_, err := f.svc.Invite(f.ctx, app.System, surveys.Invitation{TemplateID: f.inpat.ID, HospitalID: f.hospital, Phone: "+966 50 123 4567"})
	var skip *surveys.Skip
	if !errors.As(err, &skip) || skip.Reason != surveys.SkipFatigue {
		t.Fatalf("second invitation within 30 days: %v", err)
	}
	f.clock.Add(31 * 24 * time.Hour)
	if _, err := f.svc.Invite(f.ctx, app.System, surveys.Invitation{TemplateID: f.inpat.ID, HospitalID: f.hospital, Phone: "0501234567"}); err != nil {
		t.Fatalf("after the fatigue window: %v", err)
	}
	// Exclusions: an excluded department, a minor, a deceased patient.
	if err := f.svc.SaveSettings(f.ctx, app.System, app.SurveySettings{HospitalID: f.hospital, FatigueDays: 30, MinAge: 18,
		ExcludedDepartments: []int64{f.psych}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Invite(f.ctx, app.System, surveys.Invitation{TemplateID: f.inpat.ID, HospitalID: f.hospital, DepartmentID: f.psych, Phone: "0551111111"})
	if !errors.As(err, &skip) || skip.Reason != surveys.SkipDepartment {
		t.Fatalf("excluded department: %v", err)
	}
	var minor, dead app.Patient
	err = f.st.InTx(f.ctx, app.System, func(tx *store.Tx) error {
		minor = app.Patient{HospitalID: f.hospital, MRN: "M1", NameEN: "Child", Phone: "0552222222", Language: "ar", BirthDate: f.clock.Now().AddDate(-10, 0, 0)}
		dead = app.Patient{HospitalID: f.hospital, MRN: "M2", NameEN: "Late", Phone: "0553333333", Language: "ar", BirthDate: f.clock.Now().AddDate(-70, 0, 0)}
		if err := tx.SavePatient(f.ctx, &minor, nil, "", false); err != nil {
			return err
		}
		if err := tx.SavePatient(f.ctx, &dead, nil, "", false); err != nil {
			return err
		}
		return tx.SetPatientDeceased(f.ctx, dead.ID, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   int64
		want string
	}{{minor.ID, surveys.SkipMinor}, {dead.ID, surveys.SkipDeceased}} {
		_, err := f.svc.Invite(f.ctx, app.System, surveys.Invitation{TemplateID: f.inpat.ID, HospitalID: f.hospital, PatientID: c.id})
		if !errors.As(err, &skip) || skip.Reason != c.want {
			t.Errorf("patient %d: %v, want %s", c.id, err, c.want)
		}
	}
	// Opted out of surveys by SMS: no channel left, nothing written.
	if _, err := f.notify.Keyword(f.ctx, app.ChannelSMS, "0554444444", "STOP"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Invite(f.ctx, app.System, surveys.Invitation{TemplateID: f.inpat.ID, HospitalID: f.hospital, Phone: "0554444444"})
	if !errors.As(err, &skip) || skip.Reason != surveys.SkipNoContact {
		t.Fatalf("opted out: %v", err)
	}
	var n int
	f.st.R.QueryRow(`select count(*) from survey_instances where phone = '0554444444'`).Scan(&n)
	if n != 0 {
		t.Fatal("a skipped invitation left a row")
	}
}

func TestOneReminderWithTheSameLink(t *testing.T) {
	f := newFixture(t)
	_, token := f.invite(t, surveys.Invitation{Phone: "0501234567"})
	f.clock.Add(47 * time.Hour)
	f.svc.Sweep(f.ctx, f.clock.Now())
	f.clock.Add(2 * time.Hour)
	if n, err := f.svc.Sweep(f.ctx, f.clock.Now()); err != nil || n != 1 {
		t.Fatalf("reminder sweep: %d %v", n, err)
	}
	f.svc.Sweep(f.ctx, f.clock.Now().Add(time.Hour))
	f.notify.Run(f.ctx, f.clock.Now())
	reqs := f.fake.Requests()
	if len(reqs) != 2 {
		t.Fatalf("want the invitation and one reminder, got %d", len(reqs))
	}
	if m := linkRE.FindStringSubmatch(reqs[1].Body); m == nil || m[1] != token {
		t.Fatalf("the reminder carries another link: %q", reqs[1].Body)
	}
	// A completed survey gets no reminder.
	_, token2 := f.invite(t, surveys.Invitation{Phone: "0559999999"})
	f.answerAll(t, token2, "5", "10")
	f.clock.Add(49 * time.Hour)
	f.svc.Sweep(f.ctx, f.clock.Now())
	f.notify.Run(f.ctx, f.clock.Now())
	if n := len(f.fake.Requests()); n != 3 {
		t.Fatalf("a completed survey was reminded: %d requests", n)
	}
}

func TestEditingATemplateWithResponsesCreatesAVersion(t *testing.T) {
	f := newFixture(t)
	_, token := f.invite(t, surveys.Invitation{Phone: "0501234567"})
	f.answerAll(t, token, "4", "8")
	edited := f.inpat
	edited.Def.Sections[0].TitleEN = "Your care (v2)"
	v2, err := f.svc.Update(f.ctx, app.System, f.inpat.ID, edited)
	if err != nil {
		t.Fatal(err)
	}
	if v2.ID == f.inpat.ID || v2.Family != f.inpat.Family || v2.Version != 2 || v2.Status != app.TemplateDraft {
		t.Fatalf("new version: %+v", v2)
	}
	old, _ := f.st.SurveyTemplateByID(f.ctx, app.System.Scope, f.inpat.ID)
	if old.Def.Sections[0].TitleEN != "Your care" || old.Responses != 1 || old.Status != app.TemplateActive {
		t.Fatalf("the answered version changed: %+v", old)
	}
	if err := f.svc.Publish(f.ctx, app.System, v2.ID); err != nil {
		t.Fatal(err)
	}
	old, _ = f.st.SurveyTemplateByID(f.ctx, app.System.Scope, f.inpat.ID)
	if old.Status != app.TemplateArchived {
		t.Fatalf("publishing v2 should archive v1: %s", old.Status)
	}
	inst, err := f.svc.Invite(f.ctx, app.System, surveys.Invitation{TemplateID: f.inpat.ID, HospitalID: f.hospital, Phone: "0557777777"})
	if err != nil || inst.TemplateID != v2.ID {
		t.Fatalf("a new invitation uses the active version: %d %v", inst.TemplateID, err)
	}
	hospitalAdmin := app.Principal{Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{f.hospital}}}
	if _, err := f.svc.Update(f.ctx, hospitalAdmin, v2.ID, edited); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("a hospital admin edited a group-wide template: %v", err)
	}
}

func TestComplaintResolutionSurveyAnswers(t *testing.T) {
	f := newFixture(t)
	var c app.Complaint
	err := f.st.InTx(f.ctx, app.System, func(tx *store.Tx) error {
		c = app.Complaint{HospitalID: f.hospital, Type: app.TypeComplaint, Status: app.StatusResolved, Severity: app.SeverityMedium,
			Priority: app.PriorityMedium, SourceCode: "patient", Title: "t", Description: "d", ContactName: "سارة",
			ContactPhone: "0501230000", PreferredLanguage: "ar", TrackingCode: app.NewTrackingCode(), ResolvedAt: tx.Now()}
		return tx.InsertComplaint(f.ctx, &c, store.ComplaintSLA{Rule: app.SLARule{Hours: 24}, Start: tx.Now()}, time.Time{})
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := app.Event{ID: "e1", Kind: app.EventComplaintResolved, Payload: []byte(`{"id":` + jsonInt(c.ID) + `}`)}
	for range 2 { // delivered twice: one invitation
		if err := f.svc.OnComplaintResolved(f.ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	f.notify.Run(f.ctx, f.clock.Now())
	reqs := f.fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("resolution invitations: %d", len(reqs))
	}
	token := linkRE.FindStringSubmatch(reqs[0].Body)[1]
	form, err := f.svc.Open(f.ctx, token)
	if err != nil || form.Template.Kind != app.SurveyResolution {
		t.Fatalf("%v %v", form.Template.Kind, err)
	}
	form, err = f.svc.Save(f.ctx, token, surveys.Step{Action: "next", Answers: app.Answers{"satisfied": {"no"}}})
	if err != nil || form.Completed || len(form.Current().Questions) != 2 {
		t.Fatalf("answering 'no' should show the follow-up on the same page: %+v %v", form.Current().Questions, err)
	}
	form, err = f.svc.Save(f.ctx, token, surveys.Step{Action: "next", Answers: app.Answers{"satisfied": {"no"}, "why_not": {"لم يتصل بي أحد"}}})
	if err != nil || !form.Completed {
		t.Fatalf("submit: %v", err)
	}
	got := f.events(t, app.EventResolutionAnswered)
	if len(got) != 1 || got[0]["complaint_id"] != float64(c.ID) || got[0]["satisfied"] != false {
		t.Fatalf("resolution_survey.answered: %v", got)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
