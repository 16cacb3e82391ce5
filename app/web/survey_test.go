package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"px360/app"
	"px360/app/notify/provider/providertest"
	"px360/app/surveys"
	"px360/store"
	"px360/views"
)

// adminTemplate returns the built-in survey template named en (its newest version).
func (e *env) adminTemplate(en string) app.SurveyTemplate {
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

// adminSMS sends survey invitations through a fake Twilio on loopback.
func (e *env) adminSMS() {
	e.t.Helper()
	fake := providertest.NewHTTP(e.t)
	e.a.Notify.HTTPClient = fake.Client()
	if err := e.a.Notify.SaveProvider(context.Background(), app.System, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{
		"base_url": fake.URL(), "account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken,
		"from": "+15005550006"}); err != nil {
		e.t.Fatal(err)
	}
}

// wardAnswers submits anonymous responses through a ward link of hospital A for the
// template family.
func (e *env) wardAnswers(family int64, answers ...app.Answers) {
	e.t.Helper()
	ctx := context.Background()
	loc, err := e.a.Surveys.SaveLocation(ctx, app.System, app.SurveyLocation{HospitalID: e.hospA.ID, DepartmentID: e.deptA.ID,
		Family: family, NameEN: "Ward 3", NameAR: "الجناح 3", Active: true})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range answers {
		token, err := e.a.Surveys.StartAnonymous(ctx, loc.Code)
		if err != nil {
			e.t.Fatal(err)
		}
		f, err := e.a.Surveys.Save(ctx, token, surveys.Step{Page: 0, Action: "next", Answers: a})
		if err != nil || !f.Completed {
			e.t.Fatalf("submit %v: %v %v", a, f.Completed, err)
		}
	}
}

// editorForm is what the editor page posts for t unchanged.
func editorForm(t app.SurveyTemplate) url.Values {
	v := url.Values{"name_en": {t.NameEN}, "name_ar": {t.NameAR}, "reminder_hours": {strconv.Itoa(t.ReminderHours)},
		"expiry_days": {strconv.Itoa(t.ExpiryDays)}, "intro_en": {t.Def.IntroEN}, "intro_ar": {t.Def.IntroAR},
		"pages": {strconv.Itoa(len(t.Def.Sections))}}
	if t.Def.Negative.ScoreBelow > 0 {
		v.Set("neg_score_below", fmt.Sprint(t.Def.Negative.ScoreBelow))
	}
	if t.Def.Negative.FlaggedAtMost > 0 {
		v.Set("neg_flagged_at_most", strconv.Itoa(t.Def.Negative.FlaggedAtMost))
	}
	if t.Def.Negative.NPSAtMost != nil {
		v.Set("neg_nps_at_most", strconv.Itoa(*t.Def.Negative.NPSAtMost))
	}
	for i, p := range t.Def.Sections {
		v.Set(views.PageField(i, "id"), p.ID)
		v.Set(views.PageField(i, "title_en"), p.TitleEN)
		v.Set(views.PageField(i, "title_ar"), p.TitleAR)
		v.Set(views.PageField(i, "n"), strconv.Itoa(len(p.Questions)))
		for j, q := range p.Questions {
			set := func(name, value string) { v.Set(views.QuestionField(i, j, name), value) }
			set("id", q.ID)
			set("type", string(q.Type))
			set("text_en", q.TextEN)
			set("text_ar", q.TextAR)
			set("bank", q.Bank)
			for name, on := range map[string]bool{"required": q.Required, "scored": q.Scored, "flagged": q.Flagged} {
				if on {
					set(name, "1")
				}
			}
			var opts []string
			for _, o := range q.Options {
				line := o.Value + " | " + o.LabelEN + " | " + o.LabelAR
				if o.Score != nil {
					line += " | " + strconv.Itoa(*o.Score)
				}
				opts = append(opts, line)
			}
			set("options", strings.Join(opts, "\n"))
			if q.ShowIf != nil {
				set("cond_q", q.ShowIf.Question)
				set("cond_op", q.ShowIf.Op)
				set("cond_values", strings.Join(q.ShowIf.Values, ","))
			}
		}
	}
	return v
}

func TestSurveyPagesEnforceRoles(t *testing.T) {
	e := newEnv(t)
	ward := e.adminTemplate("Ward feedback (anonymous)")
	edit := fmt.Sprintf("/surveys/%d/edit", ward.ID)
	results := fmt.Sprintf("/surveys/%d", ward.Family)

	viewer := e.login(app.RoleViewer)
	for path, want := range map[string]int{"/surveys": 200, results: 200, results + "/export.csv": 200, edit: 403,
		"/surveys/invitations": 403, "/surveys/locations": 403, "/surveys/settings": 403} {
		if r := e.get(viewer, path); r.status != want {
			t.Errorf("viewer GET %s: %d, want %d", path, r.status, want)
		}
	}
	if r := e.post(viewer, edit, editorForm(ward)); r.status != 403 {
		t.Errorf("viewer saves a template: %d", r.status)
	}

	staff := e.login(app.RoleStaff)
	for path, want := range map[string]int{"/surveys/invitations": 200, "/surveys": 403, results: 403, edit: 403} {
		if r := e.get(staff, path); r.status != want {
			t.Errorf("staff GET %s: %d, want %d", path, r.status, want)
		}
	}
	if r := e.post(staff, "/surveys", url.Values{"name_en": {"X"}, "name_ar": {"س"}, "kind": {"general"}, "hospital_id": {fmt.Sprint(e.hospA.ID)}}); r.status != 403 {
		t.Errorf("staff creates a template: %d", r.status)
	}

	// A hospital admin sees a group-wide template read-only and cannot change it.
	admin := e.login(app.RoleHospitalAdmin)
	page := e.get(admin, edit)
	if page.status != 200 || !strings.Contains(page.body, "only PX admins can change it") || strings.Contains(page.body, `value="save"`) ||
		!strings.Contains(page.body, "<fieldset disabled") {
		t.Fatalf("hospital admin's editor: %d, read-only note %v", page.status, strings.Contains(page.body, "only PX admins"))
	}
	form := editorForm(ward)
	form.Set("name_en", "Changed by a hospital admin")
	form.Set("op", "save")
	r := e.post(admin, edit, form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != edit {
		t.Errorf("hospital admin saves a group-wide template: %d %s", r.status, r.header.Get("Location"))
	}
	if r := e.post(admin, fmt.Sprintf("/surveys/%d/archive", ward.ID), nil); r.status != http.StatusSeeOther {
		t.Errorf("hospital admin archives a group-wide template: %d", r.status)
	}
	versions, _ := e.a.Store.SurveyVersions(context.Background(), ward.Family)
	if len(versions) != 1 || versions[0].NameEN != ward.NameEN || versions[0].Status != app.TemplateActive {
		t.Errorf("the group-wide template changed: %+v", versions)
	}
	// … but may create one for the hospital, and edit that.
	r = e.post(admin, "/surveys", url.Values{"name_en": {"Ward A"}, "name_ar": {"قسم أ"}, "kind": {"ward"},
		"hospital_id": {fmt.Sprint(e.hospA.ID)}, "copy_from": {fmt.Sprint(ward.Family)}})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "/edit") {
		t.Fatalf("hospital admin creates a template: %d %.300s", r.status, r.body)
	}
	if page := e.get(admin, r.header.Get("Location")); !strings.Contains(page.body, `value="save"`) || !strings.Contains(page.body, "Template created as a draft") {
		t.Errorf("the new template's editor is not editable")
	}
	// Group-wide creation is the PX admin's.
	if r := e.post(admin, "/surveys", url.Values{"name_en": {"G"}, "name_ar": {"م"}, "kind": {"general"}, "hospital_id": {"0"}}); r.status != 422 {
		t.Errorf("hospital admin creates a group-wide template: %d", r.status)
	}
}

func TestSurveyEditorSavesANewVersionWhenTheActiveOneHasResponses(t *testing.T) {
	e := newEnv(t)
	ward := e.adminTemplate("Ward feedback (anonymous)")
	e.wardAnswers(ward.Family, app.Answers{"cleanliness": {"4"}, "responsiveness": {"3"}, "overall": {"4"}})
	c := e.login(app.RolePXAdmin)
	edit := fmt.Sprintf("/surveys/%d/edit", ward.ID)
	page := e.get(c, edit)
	if page.status != 200 || !strings.Contains(page.body, "Version 1 is in use (1 responses)") {
		t.Fatalf("editor: %d, no versioning note", page.status)
	}

	// Add the NPS question from the bank: shown, not saved yet.
	form := editorForm(ward)
	form.Set("op", "add:0")
	form.Set(views.PageField(0, "add"), "bank:recommend")
	r := e.post(c, edit, form)
	if r.status != 200 || !strings.Contains(r.body, "Changes not saved yet") || !strings.Contains(r.body, "How likely are you to recommend") ||
		!strings.Contains(r.body, `name="p0q4_id" value="recommend"`) {
		t.Fatalf("add from the bank: %d %.300s", r.status, r.body)
	}
	if vs, _ := e.a.Store.SurveyVersions(context.Background(), ward.Family); len(vs) != 1 {
		t.Fatalf("adding a question saved %d versions", len(vs))
	}

	// Add a blank one-choice question and save without choices: the error is beside it.
	form.Set(views.PageField(0, "n"), "6")
	bank, _ := app.BankQuestion("recommend")
	form.Set(views.QuestionField(0, 4, "id"), bank.ID)
	form.Set(views.QuestionField(0, 4, "type"), string(bank.Type))
	form.Set(views.QuestionField(0, 4, "text_en"), bank.TextEN)
	form.Set(views.QuestionField(0, 4, "text_ar"), bank.TextAR)
	form.Set(views.QuestionField(0, 5, "id"), "q1")
	form.Set(views.QuestionField(0, 5, "type"), "single")
	form.Set(views.QuestionField(0, 5, "text_en"), "Which meal?")
	form.Set(views.QuestionField(0, 5, "text_ar"), "أي وجبة؟")
	form.Set("op", "save")
	r = e.post(c, edit, form)
	if r.status != 422 || !strings.Contains(r.body, `id="q-q1-error"`) || !strings.Contains(r.body, "Give at least two choices") {
		t.Fatalf("choice question without choices: %d %.500s", r.status, r.body)
	}

	form.Set(views.QuestionField(0, 5, "options"), "breakfast\nlunch")
	if r := e.post(c, edit, form); r.status != 422 || !strings.Contains(r.body, "Write each choice as value | English | Arabic | score") {
		t.Fatalf("choices without labels: %d", r.status)
	}
	form.Set(views.QuestionField(0, 5, "options"), "breakfast | Breakfast | الإفطار\nlunch | Lunch | الغداء")
	r = e.post(c, edit, form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", r.status, r.body)
	}
	vs, _ := e.a.Store.SurveyVersions(context.Background(), ward.Family)
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].Status != app.TemplateDraft || vs[1].Status != app.TemplateActive ||
		vs[1].Responses != 1 || len(vs[1].Def.Sections[0].Questions) != 4 {
		t.Fatalf("versions after the save: %+v", vs)
	}
	q, ok := vs[0].Def.Question("q1")
	if !ok || len(q.Options) != 2 || q.Options[1].LabelAR != "الغداء" {
		t.Errorf("the new version's choice question: %+v", q)
	}
	if _, ok := vs[0].Def.Question("recommend"); !ok {
		t.Error("the bank question was not saved")
	}
	if r.header.Get("Location") != fmt.Sprintf("/surveys/%d/edit", vs[0].ID) {
		t.Errorf("went to %s", r.header.Get("Location"))
	}
	next := e.get(c, r.header.Get("Location"))
	if !strings.Contains(next.body, "Saved as a new draft version") || !strings.Contains(next.body, "patients do not see it until you publish it") {
		t.Errorf("the draft's editor says nothing about the new version")
	}
	// Publish the draft: the old version is archived.
	if r := e.post(c, fmt.Sprintf("/surveys/%d/publish", vs[0].ID), nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	vs, _ = e.a.Store.SurveyVersions(context.Background(), ward.Family)
	if vs[0].Status != app.TemplateActive || vs[1].Status != app.TemplateArchived {
		t.Errorf("after publishing: %s %s", vs[0].Status, vs[1].Status)
	}
}

func TestSurveyResultsPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	def := app.SurveyDefinition{Sections: []app.SurveyPage{{ID: "p1", TitleEN: "Today", TitleAR: "اليوم", Questions: []app.Question{
		{ID: "overall", Type: app.QRating, TextEN: "Overall rating", TextAR: "التقييم العام", Required: true, Scored: true},
		{ID: "recommend", Type: app.QNPS, TextEN: "Recommend us?", TextAR: "هل توصي بنا؟"},
		{ID: "comments", Type: app.QLongText, TextEN: "Comments", TextAR: "ملاحظات"},
	}}}}
	tpl, err := e.a.Surveys.Create(ctx, app.System, app.SurveyTemplate{Kind: app.SurveyWard, NameEN: "Ward NPS", NameAR: "توصية القسم",
		Def: def, ExpiryDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.a.Surveys.Publish(ctx, app.System, tpl.ID); err != nil {
		t.Fatal(err)
	}
	e.wardAnswers(tpl.Family,
		app.Answers{"overall": {"5"}, "recommend": {"10"}, "comments": {"=cmd|' /C calc'!A0"}},
		app.Answers{"overall": {"2"}, "recommend": {"4"}, "comments": {"الانتظار طويل"}})

	c := e.login(app.RoleViewer)
	page := e.get(c, fmt.Sprintf("/surveys/%d", tpl.Family))
	for _, want := range []string{"Insufficient data (n = 2)", "Overall rating", "1 – Very poor", "50%", "الانتظار طويل",
		"Week by week", e.deptA.NameEN, `class="hbar"`, "Export CSV"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	if page.status != 200 || strings.Contains(page.body, "/edit") {
		t.Errorf("results for a viewer: %d, edit link %v", page.status, strings.Contains(page.body, "/edit"))
	}
	ar := e.get(c, fmt.Sprintf("/surveys/%d?department=%d", tpl.Family, e.deptA.ID))
	if !strings.Contains(ar.body, "(n = 2)") {
		t.Errorf("department filter lost the responses")
	}
	csv := e.get(c, fmt.Sprintf("/surveys/%d/export.csv", tpl.Family))
	if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.body, "response_id,date,hospital_code,department_code,language,score,nps,negative,overall,recommend,comments") ||
		!strings.Contains(csv.body, `'=cmd|`) {
		t.Errorf("export: %d %q %.400s", csv.status, csv.header.Get("Content-Type"), csv.body)
	}
	xlsx := e.get(c, fmt.Sprintf("/surveys/%d/export.xlsx", tpl.Family))
	if xlsx.status != 200 || !strings.HasPrefix(xlsx.body, "PK") {
		t.Errorf("xlsx export: %d", xlsx.status)
	}
	audits, _ := e.a.Store.ListAudit(ctx, store.AuditFilter{Scope: app.Scope{All: true}, Action: "survey.export", Limit: 500})
	if len(audits.Items) != 2 {
		t.Errorf("%d export audit rows, want 2", len(audits.Items))
	}
	// Hospital B is not the viewer's: filtering on it is "not found".
	if r := e.get(c, fmt.Sprintf("/surveys/%d?hospital=%d", tpl.Family, e.hospB.ID)); r.status != 404 {
		t.Errorf("filter on another hospital: %d", r.status)
	}
}

func TestSurveyInvitationsPage(t *testing.T) {
	e := newEnv(t)
	e.adminSMS()
	tpl := e.adminTemplate("Inpatient experience")
	c := e.login(app.RoleStaff)

	// One patient by hand, then again: the fatigue rule explains itself.
	form := url.Values{"template_id": {fmt.Sprint(tpl.ID)}, "hospital_id": {fmt.Sprint(e.hospA.ID)}, "name": {"Omar"},
		"phone": {"+966500000101"}, "language": {"en"}}
	if r := e.post(c, "/surveys/invitations", form); r.status != http.StatusSeeOther {
		t.Fatalf("invite: %d %.500s", r.status, r.body)
	}
	r := e.post(c, "/surveys/invitations", form)
	if r.status != 200 || !strings.Contains(r.body, "invited 0 days ago") || !strings.Contains(r.body, "every 30 days") {
		t.Errorf("second invitation: %d %.500s", r.status, r.body)
	}
	if r := e.post(c, "/surveys/invitations", url.Values{"template_id": {fmt.Sprint(tpl.ID)}, "hospital_id": {fmt.Sprint(e.hospA.ID)}}); r.status != 422 ||
		!strings.Contains(r.body, "Give an MRN, a mobile number or an e-mail address") {
		t.Errorf("no contact: %d", r.status)
	}

	// A file: one good row, one bad number, one unknown MRN.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("template_id", fmt.Sprint(tpl.ID))
	_ = mw.WriteField("hospital_id", fmt.Sprint(e.hospA.ID))
	fw, _ := mw.CreateFormFile("file", "patients.csv")
	_, _ = fw.Write([]byte("\ufeffname,phone,mrn\nNadia,+966500000102,\nBad,123,\nNobody,,NO-SUCH-MRN\n"))
	_ = mw.Close()
	r = e.do(c, "POST", "/surveys/invitations/bulk", &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
	if r.status != 200 {
		t.Fatalf("bulk: %d %.500s", r.status, r.body)
	}
	for _, want := range []string{"1 invited, 0 not invited", "2 rows with errors", "Enter a phone number",
		"No patient with this MRN in the hospital.", "Nadia"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("bulk report lacks %q", want)
		}
	}
	// A malformed file invites nobody and says so beside the file field.
	body.Reset()
	mw = multipart.NewWriter(&body)
	_ = mw.WriteField("template_id", fmt.Sprint(tpl.ID))
	_ = mw.WriteField("hospital_id", fmt.Sprint(e.hospA.ID))
	fw, _ = mw.CreateFormFile("file", "patients.csv")
	_, _ = fw.Write([]byte("name,department\nNadia,MED\n"))
	_ = mw.Close()
	r = e.do(c, "POST", "/surveys/invitations/bulk", &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
	if r.status != 422 || !strings.Contains(r.body, "at least one of mrn, phone and email") {
		t.Errorf("malformed file: %d", r.status)
	}
	page, err := e.a.Surveys.Invitations(context.Background(), app.System, app.ListQuery{})
	if err != nil || len(page.Items) != 2 {
		t.Errorf("%d invitations, want 2 (%v)", len(page.Items), err)
	}
}

func TestSurveyLocationsAndSettings(t *testing.T) {
	e := newEnv(t)
	ward := e.adminTemplate("Ward feedback (anonymous)")
	c := e.login(app.RoleHospitalAdmin)
	r := e.post(c, "/surveys/locations", url.Values{"name_en": {"Ward 5"}, "name_ar": {"الجناح 5"}, "hospital_id": {fmt.Sprint(e.hospA.ID)},
		"department_id": {fmt.Sprint(e.deptA.ID)}, "family": {fmt.Sprint(ward.Family)}, "active": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create link: %d %.500s", r.status, r.body)
	}
	edit := r.header.Get("Location")
	page := e.get(c, edit)
	base := strings.TrimSuffix(edit, "/edit")
	if page.status != 200 || !strings.Contains(page.body, "/w/") || !strings.Contains(page.body, base+"/qr.png") {
		t.Errorf("link page: %d", page.status)
	}
	qr := e.get(c, base+"/qr.png")
	if qr.status != 200 || qr.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(qr.body, "\x89PNG") {
		t.Errorf("qr: %d %s", qr.status, qr.header.Get("Content-Type"))
	}
	poster := e.get(c, base+"/poster.pdf")
	if poster.status != 200 || !strings.HasPrefix(poster.body, "%PDF-") {
		t.Errorf("poster: %d", poster.status)
	}
	if list := e.get(c, "/surveys/locations"); !strings.Contains(list.body, "Ward 5") {
		t.Error("the list lacks the link")
	}
	if r := e.post(c, "/surveys/locations", url.Values{"name_en": {"X"}, "name_ar": {"س"}, "hospital_id": {fmt.Sprint(e.hospA.ID)},
		"family": {fmt.Sprint(e.adminTemplate("Inpatient experience").Family)}}); r.status != 422 ||
		!strings.Contains(r.body, "Choose a published ward survey") {
		t.Errorf("link to a general survey: %d", r.status)
	}

	settings := fmt.Sprintf("/surveys/settings?hospital=%d", e.hospA.ID)
	if r := e.get(c, settings); r.status != 200 || !strings.Contains(r.body, `name="fatigue_days"`) || !strings.Contains(r.body, e.deptA.NameEN) {
		t.Fatalf("settings page: %d", r.status)
	}
	r = e.post(c, settings, url.Values{"fatigue_days": {"60"}, "min_age": {"16"}, "excluded": {fmt.Sprint(e.deptA.ID)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save settings: %d %.300s", r.status, r.body)
	}
	got, _ := e.a.Store.SurveySettings(context.Background(), e.hospA.ID)
	if got.FatigueDays != 60 || got.MinAge != 16 || len(got.ExcludedDepartments) != 1 || got.ExcludedDepartments[0] != e.deptA.ID {
		t.Errorf("settings: %+v", got)
	}
	if r := e.post(c, settings, url.Values{"fatigue_days": {"999"}, "min_age": {"16"}}); r.status != 422 {
		t.Errorf("fatigue out of range: %d", r.status)
	}
	if r := e.get(c, fmt.Sprintf("/surveys/settings?hospital=%d", e.hospB.ID)); r.status != 403 {
		t.Errorf("another hospital's settings: %d", r.status)
	}
}

// surveyUntranslated finds a survey or error message key shown as is.
var surveyUntranslated = regexp.MustCompile(`[>"](survey|err|audit)\.[a-z0-9_.]+[<"]`)

func TestSurveyPagesRenderInBothLanguages(t *testing.T) {
	e := newEnv(t)
	e.adminSMS()
	ward := e.adminTemplate("Ward feedback (anonymous)")
	e.wardAnswers(ward.Family, app.Answers{"cleanliness": {"2"}, "responsiveness": {"1"}, "overall": {"1"}, "comments": {"بارد"}})
	inpatient := e.adminTemplate("Inpatient experience")
	ctx := context.Background()
	if _, err := e.a.Surveys.Invite(ctx, app.System, surveys.Invitation{TemplateID: inpatient.ID, HospitalID: e.hospA.ID,
		Name: "Omar", Phone: "+966500000201"}); err != nil {
		t.Fatal(err)
	}
	locs, _ := e.a.Surveys.Locations(ctx, app.System)
	en := e.login(app.RolePXAdmin)
	ar := e.login(app.RoleHospitalAdmin)
	if r := e.post(ar, "/language", url.Values{"lang": {"ar"}, "next": {"/"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switch to Arabic: %d", r.status)
	}
	pages := []struct {
		path string
		en   []string
		ar   []string
	}{
		{"/surveys", []string{"Ward feedback (anonymous)", "Every hospital (group-wide)", "New template"},
			[]string{"رأيك في القسم (مجهول الهوية)", "كل المستشفيات (على مستوى المجموعة)", "قالب جديد"}},
		{fmt.Sprintf("/surveys/%d", ward.Family), []string{"No answers", "1 – Very poor", "Negative"},
			[]string{"لا توجد إجابات", "1 – سيئ جداً", "بارد", `dir="rtl"`}},
		{fmt.Sprintf("/surveys/%d/edit", ward.ID), []string{"Version 1 is in use (1 responses)", "Question bank", "Add question"},
			[]string{"ينطبق هذا القالب على كل المستشفيات", "السؤال 1"}},
		{"/surveys/invitations", []string{"Invite a patient", "Omar", "Waiting to send"}, []string{"دعوة مريض", "بانتظار الإرسال"}},
		{"/surveys/locations", []string{"Ward 3", "QR code"}, []string{"الجناح 3", "الملصق"}},
		{fmt.Sprintf("/surveys/locations/%d/edit", locs[0].ID), []string{"Public address", "/w/" + locs[0].Code}, []string{"العنوان العام"}},
		{"/surveys/settings", []string{"At most one survey every (days)"}, []string{"الحد الأدنى للعمر"}},
	}
	for _, p := range pages {
		for _, v := range []struct {
			c    *http.Client
			must []string
		}{{en, p.en}, {ar, p.ar}} {
			r := e.get(v.c, p.path)
			if r.status != 200 {
				t.Errorf("%s: %d", p.path, r.status)
				continue
			}
			for _, s := range v.must {
				if !strings.Contains(r.body, s) {
					t.Errorf("%s lacks %q", p.path, s)
				}
			}
			if k := surveyUntranslated.FindString(r.body); k != "" {
				t.Errorf("%s: untranslated key %s", p.path, k)
			}
		}
	}
}

// TestSurveyEditorRoundTrip saves every built-in template unchanged through the editor:
// the new version's definition is the old one (choices with scores, conditions, the
// negative rule and the texts all survive the form).
func TestSurveyEditorRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RolePXAdmin)
	ts, err := e.a.Store.SurveyTemplates(context.Background(), app.System.Scope)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range ts {
		form := editorForm(tpl)
		form.Set("op", "save")
		r := e.post(c, fmt.Sprintf("/surveys/%d/edit", tpl.ID), form)
		if r.status != http.StatusSeeOther {
			t.Errorf("%s: %d %.300s", tpl.NameEN, r.status, r.body)
			continue
		}
		vs, _ := e.a.Store.SurveyVersions(context.Background(), tpl.Family)
		if len(vs) != 2 || !reflect.DeepEqual(vs[0].Def, tpl.Def) || vs[0].ReminderHours != tpl.ReminderHours || vs[0].ExpiryDays != tpl.ExpiryDays {
			t.Errorf("%s: the saved version differs:\n%+v\n%+v", tpl.NameEN, vs[0].Def, tpl.Def)
		}
	}
}
