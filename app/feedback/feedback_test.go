package feedback_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/actions"
	"px360/app/feedback"
	"px360/app/files"
	"px360/app/notify"
	"px360/app/sla"
	"px360/app/vault"
	"px360/store"
)

type fixture struct {
	ctx                   context.Context
	st                    *store.Store
	svc                   *feedback.Service
	notify                *notify.Service
	files                 *files.Store
	dir                   string
	now                   time.Time
	hosp, other           int64
	er, otherDept         int64
	admin, manager, staff app.Principal
	viewer, otherAdmin    app.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{ctx: ctx, dir: dir, now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	f.st, f.files = st, files.New(filepath.Join(dir, "files"))
	f.notify = notify.New(st, v, nil)
	f.notify.DefaultURL = "https://px.example"
	f.svc = feedback.New(st, f.notify, sla.New(st), f.files, nil)
	f.svc.Now = func() time.Time { return f.now }
	users := map[string]*app.Principal{}
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		for _, code := range []string{"RCH", "JGH"} {
			h := app.Hospital{OrganizationID: org, Code: code, NameEN: code, NameAR: code, TimeZone: "Asia/Riyadh", Active: true}
			if err := tx.SaveHospital(ctx, &h); err != nil {
				return err
			}
			d := app.Department{HospitalID: h.ID, Code: "ER", NameEN: "Emergency", NameAR: "الطوارئ", Category: app.DeptMedical, Active: true}
			if err := tx.SaveDepartment(ctx, &d); err != nil {
				return err
			}
			if code == "RCH" {
				f.hosp, f.er = h.ID, d.ID
			} else {
				f.other, f.otherDept = h.ID, d.ID
			}
		}
		for _, u := range []struct {
			id   string
			role app.Role
			h    int64
		}{{"admin", app.RoleHospitalAdmin, f.hosp}, {"manager", app.RoleDepartmentManager, f.hosp}, {"staff", app.RoleStaff, f.hosp},
			{"viewer", app.RoleViewer, f.hosp}, {"otheradmin", app.RoleHospitalAdmin, f.other}} {
			usr := &app.User{ID: u.id, Email: u.id + "@h.sa", Name: u.id, Language: "en", Role: u.role, Active: true, HospitalIDs: []int64{u.h}}
			if err := tx.InsertUser(ctx, usr, "x"); err != nil {
				return err
			}
			p := app.PrincipalOf(usr, "10.0.0.1")
			users[u.id] = &p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.admin, f.manager, f.staff, f.viewer, f.otherAdmin = *users["admin"], *users["manager"], *users["staff"], *users["viewer"], *users["otheradmin"]
	return f
}

type event struct {
	Kind    string
	Payload map[string]any
}

func (f *fixture) events(t *testing.T, kind string) []event {
	t.Helper()
	rows, err := f.st.R.QueryContext(f.ctx, `select kind, payload from outbox where kind = ? order by id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []event
	for rows.Next() {
		var e event
		var p string
		if err := rows.Scan(&e.Kind, &p); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(p), &e.Payload); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.st.R.QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) observe(t *testing.T, in feedback.ObservationInput) app.Observation {
	t.Helper()
	if in.HospitalID == 0 {
		in.HospitalID = f.hosp
	}
	if in.CategoryCode == "" {
		in.CategoryCode = "falls"
	}
	if in.Description == "" {
		in.Description = "The bed rails in room 12 do not lock."
	}
	o, err := f.svc.SubmitObservation(f.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestSubmitFeedbackValidatesAndRecordsWithoutAddress(t *testing.T) {
	f := newFixture(t)
	for name, c := range map[string]struct {
		in    feedback.FeedbackInput
		field string
	}{
		"no text":                     {feedback.FeedbackInput{HospitalID: f.hosp, Type: app.FeedbackSuggestion}, "text"},
		"no hospital":                 {feedback.FeedbackInput{Text: "More chairs please"}, "hospital"},
		"unknown type":                {feedback.FeedbackInput{HospitalID: f.hosp, Type: "rant", Text: "x"}, "type"},
		"other hospital's department": {feedback.FeedbackInput{HospitalID: f.hosp, DepartmentID: f.otherDept, Text: "x"}, "department"},
		"bad e-mail":                  {feedback.FeedbackInput{HospitalID: f.hosp, Text: "x", PatientEmail: "nobody@"}, "patient_email"},
		"too long":                    {feedback.FeedbackInput{HospitalID: f.hosp, Text: strings.Repeat("a", feedback.MaxText+1)}, "text"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.SubmitFeedback(f.ctx, c.in)
			if app.Fields(err)[c.field] == "" {
				t.Fatalf("want a field error on %s, got %v", c.field, err)
			}
		})
	}
	if n := f.count(t, `select count(*) from feedback`); n != 0 {
		t.Fatalf("refused input wrote %d rows", n)
	}
	fb, err := f.svc.SubmitFeedback(f.ctx, feedback.FeedbackInput{HospitalID: f.hosp, Type: app.FeedbackCompliment,
		Text: "  Nurse Amal was wonderful.  ", PatientEmail: "Sara@Example.com", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if fb.Status != app.FeedbackSubmitted || fb.Text != "Nurse Amal was wonderful." || fb.PatientEmail != "sara@example.com" ||
		app.NormalizeTrackingCode(fb.TrackingCode) != fb.TrackingCode || fb.CreatedBy != "" {
		t.Fatalf("stored %+v", fb)
	}
	ev := f.events(t, app.EventAnalysisRequested)
	if len(ev) != 1 || ev[0].Payload["record_type"] != "feedback" || ev[0].Payload["record_id"] != float64(fb.ID) ||
		ev[0].Payload["hospital_id"] != float64(f.hosp) {
		t.Fatalf("analysis events %+v", ev)
	}
	if n := f.count(t, `select count(*) from audit_log where action = 'feedback.create' and ip = ''`); n != 1 {
		t.Fatalf("%d audit rows without an address, want 1", n)
	}
}

func TestFeedbackWorkflowResponseAndActionPlan(t *testing.T) {
	f := newFixture(t)
	if err := f.notify.SaveProvider(f.ctx, app.System, app.ChannelEmail, app.ProviderSMTP, true, map[string]string{
		"host": "127.0.0.1", "port": "2525", "security": "none", "from": "px@h.sa"}); err != nil {
		t.Fatal(err)
	}
	fb, err := f.svc.SubmitFeedback(f.ctx, feedback.FeedbackInput{HospitalID: f.hosp, Type: app.FeedbackSuggestion,
		Text: "Please add a water fountain in the ER waiting room.", PatientName: "Sara", PatientEmail: "sara@example.com", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	// Who may do what.
	if _, err := f.svc.MoveFeedback(f.ctx, f.staff, fb.ID, app.FeedbackReviewed, "", false); err != app.ErrForbidden {
		t.Fatalf("staff moved feedback: %v", err)
	}
	if _, err := f.svc.Feedback(f.ctx, f.otherAdmin, fb.ID); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("another hospital's admin sees it: %v", err)
	}
	if _, err := f.svc.Feedback(f.ctx, f.viewer, fb.ID); err != nil {
		t.Fatalf("a viewer cannot see it: %v", err)
	}
	// The workflow.
	if _, err := f.svc.MoveFeedback(f.ctx, f.manager, fb.ID, app.FeedbackReviewed, "looked at it", false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MoveFeedback(f.ctx, f.manager, fb.ID, app.FeedbackSubmitted, "", false); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("a move back to submitted: %v", err)
	}
	got, err := f.svc.ClassifyFeedback(f.ctx, f.manager, fb.ID, app.ClassER, f.er)
	if err != nil || got.Classification != app.ClassER || got.DepartmentID != f.er {
		t.Fatalf("classify: %+v %v", got, err)
	}
	if _, err := f.svc.ClassifyFeedback(f.ctx, f.manager, fb.ID, app.ClassER, f.otherDept); app.Fields(err)["department"] == "" {
		t.Fatalf("another hospital's department: %v", err)
	}
	// The answer goes through the notifications module and acknowledges the feedback.
	r, err := f.svc.Respond(f.ctx, f.manager, fb.ID, "Thank you, a fountain is ordered.")
	if err != nil {
		t.Fatal(err)
	}
	if r.Channel != app.ChannelEmail || r.MessageID == 0 {
		t.Fatalf("response %+v: not queued by e-mail", r)
	}
	var to, body string
	if err := f.st.R.QueryRowContext(f.ctx, `select recipient, body from notify_messages where id = ?`, r.MessageID).Scan(&to, &body); err != nil {
		t.Fatal(err)
	}
	if to != "sara@example.com" || !strings.Contains(body, "a fountain is ordered") || !strings.Contains(body, fb.TrackingCode) {
		t.Fatalf("message to %s: %s", to, body)
	}
	got, _ = f.svc.Feedback(f.ctx, f.manager, fb.ID)
	if got.Status != app.FeedbackAcknowledged {
		t.Fatalf("status after the answer: %s", got.Status)
	}
	// The tracking page shows the status and the answer, never who sent it.
	tr, err := f.svc.Track(f.ctx, "", strings.ToLower(strings.ReplaceAll(fb.TrackingCode, "-", "")))
	if err != nil || tr.Kind != app.RecordFeedback || tr.Status != string(app.FeedbackAcknowledged) {
		t.Fatalf("track: %+v %v", tr, err)
	}
	answered := false
	for _, u := range tr.Updates {
		answered = answered || u.Note == "Thank you, a fountain is ordered."
		if u.Actor != "" || u.Note == "looked at it" {
			t.Fatalf("tracking shows an internal detail: %+v", u)
		}
	}
	if !answered {
		t.Fatalf("the answer is not on the tracking page: %+v", tr.Updates)
	}
	// No contact, no answer.
	silent, _ := f.svc.SubmitFeedback(f.ctx, feedback.FeedbackInput{HospitalID: f.hosp, Text: "Nice garden"})
	if _, err := f.svc.Respond(f.ctx, f.manager, silent.ID, "Thanks"); app.Fields(err)["response"] != "err.feedback_no_contact" {
		t.Fatalf("answer without contact: %v", err)
	}
	// Action plan: an action of the same hospital links once; another hospital's does not.
	acts := actions.New(f.st, sla.New(f.st), f.notify, f.files, nil)
	a, err := acts.Create(f.ctx, f.admin, actions.Input{HospitalID: f.hosp, Source: app.ActionFromFeedback, SourceID: "x",
		TitleEN: "Water fountain"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := acts.Create(f.ctx, f.otherAdmin, actions.Input{HospitalID: f.other, Source: app.ActionFromManual, TitleEN: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.svc.LinkAction(f.ctx, f.manager, fb.ID, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.LinkAction(f.ctx, f.manager, fb.ID, other.ID); app.Fields(err)["action"] == "" {
		t.Fatalf("linked another hospital's action: %v", err)
	}
	linked, err := f.svc.LinkedActions(f.ctx, f.viewer, fb.ID)
	if err != nil || len(linked) != 1 || linked[0].ID != a.ID {
		t.Fatalf("linked actions %+v %v", linked, err)
	}
	if _, err := f.svc.MoveFeedback(f.ctx, f.manager, fb.ID, app.FeedbackClosed, "", false); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.Feedback(f.ctx, f.manager, fb.ID)
	if got.ClosedAt.IsZero() {
		t.Fatal("closed without a closing time")
	}
}

func TestObservationIsAnonymousAndEmitsEvents(t *testing.T) {
	f := newFixture(t)
	o := f.observe(t, feedback.ObservationInput{Severity: app.SeverityHigh, SubcategoryCode: "fall_risk", DepartmentID: f.er,
		Location: "Ward 3", ReporterName: "Typed but not chosen", ReporterContact: "0500000000"})
	if o.Identified || o.ReporterName != "" || o.ReporterContact != "" {
		t.Fatalf("kept a name the reporter did not choose to give: %+v", o)
	}
	if o.Status != app.ObservationNew || !o.DueAt.Equal(f.now.Add(24*time.Hour)) || o.SubcategoryID == 0 {
		t.Fatalf("stored %+v", o)
	}
	created := f.events(t, app.EventObservationCreated)
	if len(created) != 1 || created[0].Payload["id"] != float64(o.ID) || created[0].Payload["severity"] != "high" ||
		created[0].Payload["category"] != "falls" || created[0].Payload["hospital_id"] != float64(f.hosp) ||
		created[0].Payload["department_id"] != float64(f.er) {
		t.Fatalf("observation.created %+v", created)
	}
	analysis := f.events(t, app.EventAnalysisRequested)
	if len(analysis) != 1 || analysis[0].Payload["record_type"] != "observation" || analysis[0].Payload["record_id"] != float64(o.ID) {
		t.Fatalf("analysis events %+v", analysis)
	}
	var actor, ip, email string
	if err := f.st.R.QueryRowContext(f.ctx, `select actor from observation_log where observation_id = ?`, o.ID).Scan(&actor); err != nil || actor != "anonymous" {
		t.Fatalf("log actor %q %v", actor, err)
	}
	if err := f.st.R.QueryRowContext(f.ctx, `select ip, actor_email from audit_log where action = 'observation.create'`).Scan(&ip, &email); err != nil ||
		ip != "" || email != "anonymous" {
		t.Fatalf("audit row ip %q actor %q %v", ip, email, err)
	}
	// Chosen identification is kept, and shown only to those who manage observations.
	named := f.observe(t, feedback.ObservationInput{Identify: true, ReporterName: "Huda", ReporterContact: "ext 4411"})
	if got, _ := f.svc.Observation(f.ctx, f.manager, named.ID); got.ReporterName != "Huda" || got.ReporterContact != "ext 4411" {
		t.Fatalf("manager sees %+v", got)
	}
	if got, _ := f.svc.Observation(f.ctx, f.viewer, named.ID); got.ReporterName != "" {
		t.Fatalf("viewer sees the reporter %q", got.ReporterName)
	}
	if _, err := f.svc.SubmitObservation(f.ctx, feedback.ObservationInput{HospitalID: f.hosp, CategoryCode: "falls",
		Description: "x", Identify: true}); app.Fields(err)["reporter_name"] == "" {
		t.Fatalf("identified without a name: %v", err)
	}
	for name, in := range map[string]feedback.ObservationInput{
		"unknown category":       {HospitalID: f.hosp, CategoryCode: "ufo", Description: "x"},
		"subcategory of another": {HospitalID: f.hosp, CategoryCode: "falls", SubcategoryCode: "hand_hygiene", Description: "x"},
		"no description":         {HospitalID: f.hosp, CategoryCode: "falls"},
		"bad severity":           {HospitalID: f.hosp, CategoryCode: "falls", Description: "x", Severity: "apocalyptic"},
	} {
		if _, err := f.svc.SubmitObservation(f.ctx, in); app.Fields(err) == nil {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}

func TestObservationLifecycleAndTracking(t *testing.T) {
	f := newFixture(t)
	o := f.observe(t, feedback.ObservationInput{Severity: app.SeverityMedium})
	if _, err := f.svc.MoveObservation(f.ctx, f.staff, o.ID, feedback.Transition{To: app.ObservationTriage}); err != app.ErrForbidden {
		t.Fatalf("staff moved it: %v", err)
	}
	if _, err := f.svc.MoveObservation(f.ctx, f.manager, o.ID, feedback.Transition{To: app.ObservationAssigned}); app.Fields(err)["to"] == "" {
		t.Fatalf("assigned without an assignee: %v", err)
	}
	if _, err := f.svc.MoveObservation(f.ctx, f.manager, o.ID, feedback.Transition{To: app.ObservationClosed}); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("new → closed: %v", err)
	}
	got, err := f.svc.TriageObservation(f.ctx, f.manager, o.ID, feedback.Triage{Severity: app.SeverityCritical, DepartmentID: f.er,
		CategoryID: o.CategoryID})
	if err != nil || got.Status != app.ObservationTriage || !got.DueAt.Equal(f.now.Add(4*time.Hour)) {
		t.Fatalf("triage: %+v %v", got, err)
	}
	if _, err := f.svc.Assign(f.ctx, f.manager, o.ID, "otheradmin", ""); app.Fields(err)["assignee"] == "" {
		t.Fatalf("assigned to another hospital's user: %v", err)
	}
	got, err = f.svc.Assign(f.ctx, f.manager, o.ID, "staff", "please check")
	if err != nil || got.Status != app.ObservationAssigned || got.AssignedTo != "staff" {
		t.Fatalf("assign: %+v %v", got, err)
	}
	if n, _ := f.st.UnreadCount(f.ctx, "staff", 10); n != 1 {
		t.Fatalf("the assignee has %d notifications", n)
	}
	if _, err := f.svc.MoveObservation(f.ctx, f.manager, o.ID, feedback.Transition{To: app.ObservationInProgress}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Resolve(f.ctx, f.manager, o.ID, "", false); app.Fields(err)["resolution"] == "" {
		t.Fatalf("resolved without a resolution: %v", err)
	}
	got, err = f.svc.Resolve(f.ctx, f.manager, o.ID, "Rails replaced on the whole ward.", true)
	if err != nil || got.Status != app.ObservationResolved || got.Resolution == "" || got.ResolvedAt.IsZero() {
		t.Fatalf("resolve: %+v %v", got, err)
	}
	log, err := f.svc.ObservationLog(f.ctx, f.viewer, o.ID)
	if err != nil || len(log) < 6 {
		t.Fatalf("log %+v %v", log, err)
	}
	tr, err := f.svc.Track(f.ctx, app.RecordObservation, o.TrackingCode)
	if err != nil || tr.Status != string(app.ObservationResolved) {
		t.Fatalf("track %+v %v", tr, err)
	}
	shared := false
	for _, u := range tr.Updates {
		shared = shared || strings.Contains(u.Note, "Rails replaced")
		if u.Actor != "" || strings.Contains(u.Note, "please check") || u.Kind == "assigned" || u.Kind == "triaged" {
			t.Fatalf("tracking shows an internal step: %+v", u)
		}
	}
	if !shared {
		t.Fatalf("the shared resolution is missing: %+v", tr.Updates)
	}
	if _, err := f.svc.Track(f.ctx, app.RecordFeedback, o.TrackingCode); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("an observation code found feedback: %v", err)
	}
	if _, err := f.svc.Track(f.ctx, "", "not-a-code"); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("malformed code: %v", err)
	}
	if _, err := f.svc.MoveObservation(f.ctx, f.manager, o.ID, feedback.Transition{To: app.ObservationClosed}); err != nil {
		t.Fatal(err)
	}
	rejected := f.observe(t, feedback.ObservationInput{})
	if _, err := f.svc.MoveObservation(f.ctx, f.manager, rejected.ID, feedback.Transition{To: app.ObservationRejected}); app.Fields(err)["note"] == "" {
		t.Fatalf("rejected without a reason: %v", err)
	}
}

func TestObservationRemindersFireOnce(t *testing.T) {
	f := newFixture(t)
	start := f.now
	o := f.observe(t, feedback.ObservationInput{Severity: app.SeverityHigh}) // 24 h, reminder 4 h before
	done := f.observe(t, feedback.ObservationInput{Severity: app.SeverityHigh})
	if _, err := f.svc.MoveObservation(f.ctx, f.manager, done.ID, feedback.Transition{To: app.ObservationRejected, Note: "duplicate"}); err != nil {
		t.Fatal(err)
	}
	sweep := func(at time.Time) int {
		t.Helper()
		f.now = at
		n, err := f.svc.Sweep(f.ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := sweep(start.Add(19 * time.Hour)); n != 0 {
		t.Fatalf("%d fired before the reminder time", n)
	}
	if n := sweep(start.Add(20 * time.Hour)); n != 1 {
		t.Fatalf("%d fired at the reminder time, want 1", n)
	}
	if n := sweep(start.Add(20*time.Hour + time.Minute)); n != 0 {
		t.Fatalf("the reminder fired again (%d)", n)
	}
	if n, _ := f.st.UnreadCount(f.ctx, "admin", 10); n != 1 {
		t.Fatalf("the hospital admin (nobody assigned) has %d notifications, want 1", n)
	}
	if n := sweep(start.Add(25 * time.Hour)); n != 1 {
		t.Fatalf("%d fired when overdue, want 1", n)
	}
	if n := sweep(start.Add(48 * time.Hour)); n != 0 {
		t.Fatalf("fired again after overdue (%d)", n)
	}
	if n := f.count(t, `select count(*) from observation_log where observation_id = ? and kind = 'sla_overdue'`, o.ID); n != 1 {
		t.Fatalf("%d overdue log entries", n)
	}
	if n := f.count(t, `select count(*) from observation_reminders where observation_id = ?`, done.ID); n != 0 {
		t.Fatalf("a rejected observation got %d reminders", n)
	}
	if n := f.count(t, `select count(*) from observations where next_milestone_at != ''`); n != 0 {
		t.Fatalf("%d observations still wait for the sweep", n)
	}
}

// jpegWithGPS encodes a small picture and inserts, by hand, an APP1 Exif segment whose
// IFD0 points to a GPS IFD (latitude 24° 42' 12.34" N), as phones write them.
func jpegWithGPS(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 16))
	for x := range 32 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 16), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	ifd0 := make([]byte, 18) // one entry: GPSInfo (0x8825), LONG, offset of the GPS IFD (26)
	be.PutUint16(ifd0[0:], 1)
	be.PutUint16(ifd0[2:], 0x8825)
	be.PutUint16(ifd0[4:], 4)
	be.PutUint32(ifd0[6:], 1)
	be.PutUint32(ifd0[10:], 26)
	gps := make([]byte, 30) // two entries: GPSLatitudeRef "N", GPSLatitude 3 RATIONALs at 56
	be.PutUint16(gps[0:], 2)
	be.PutUint16(gps[2:], 1)
	be.PutUint16(gps[4:], 2)
	be.PutUint32(gps[6:], 2)
	copy(gps[10:], "N")
	be.PutUint16(gps[14:], 2)
	be.PutUint16(gps[16:], 5)
	be.PutUint32(gps[18:], 3)
	be.PutUint32(gps[22:], 56)
	rats := make([]byte, 24)
	for i, v := range []uint32{24, 1, 42, 1, 1234, 100} {
		be.PutUint32(rats[i*4:], v)
	}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	payload = append(append(append(payload, ifd0...), gps...), rats...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	out = append(append(out, seg...), b[2:]...)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the test JPEG does not decode: %v", err)
	}
	return out
}

// jpegMarkers lists the markers of a JPEG's segments up to the start of scan.
func jpegMarkers(t testing.TB, b []byte) []byte {
	t.Helper()
	var ms []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return ms
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func TestCleanFileStripsImageMetadata(t *testing.T) {
	raw := jpegWithGPS(t)
	if !bytes.Contains(raw, []byte("Exif")) {
		t.Fatal("the test JPEG has no Exif")
	}
	clean, ct, err := feedback.CleanFile(raw)
	if err != nil || ct != "image/jpeg" {
		t.Fatalf("jpeg: %s %v", ct, err)
	}
	for _, m := range jpegMarkers(t, clean) {
		if m >= 0xE1 && m <= 0xEF && m != 0xEE {
			t.Fatalf("APP%d segment left", m-0xE0)
		}
	}
	if bytes.Contains(clean, []byte("Exif")) {
		t.Fatal("Exif left in the JPEG")
	}
	img, err := jpeg.Decode(bytes.NewReader(clean))
	if err != nil || img.Bounds().Dx() != 32 || img.Bounds().Dy() != 16 {
		t.Fatalf("the cleaned JPEG does not decode: %v", err)
	}
	// Anything after the end of the image (a second picture with its Exif) goes too.
	clean2, _, err := feedback.CleanFile(append(append([]byte{}, raw...), raw...))
	if err != nil || !bytes.Equal(clean2, clean) {
		t.Fatalf("trailing data kept (%d vs %d bytes): %v", len(clean2), len(clean), err)
	}

	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	p := buf.Bytes()
	ihdrEnd := 8 + 12 + 13
	tagged := append([]byte{}, p[:ihdrEnd]...)
	tagged = append(tagged, pngChunk("eXIf", []byte("MM\x00\x2a\x00\x00\x00\x08GPS"))...)
	tagged = append(tagged, pngChunk("tEXt", []byte("Comment\x00taken at the secret place"))...)
	tagged = append(tagged, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>"))...)
	tagged = append(tagged, p[ihdrEnd:]...)
	if _, err := png.Decode(bytes.NewReader(tagged)); err != nil {
		t.Fatalf("the test PNG does not decode: %v", err)
	}
	cleanPNG, ct, err := feedback.CleanFile(tagged)
	if err != nil || ct != "image/png" {
		t.Fatalf("png: %s %v", ct, err)
	}
	for _, s := range []string{"eXIf", "tEXt", "iTXt", "secret place", "xmpmeta"} {
		if bytes.Contains(cleanPNG, []byte(s)) {
			t.Errorf("%s left in the PNG", s)
		}
	}
	if _, err := png.Decode(bytes.NewReader(cleanPNG)); err != nil || !bytes.Equal(cleanPNG, p) {
		t.Fatalf("the cleaned PNG differs from the original picture: %v", err)
	}

	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	if out, ct, err := feedback.CleanFile(pdf); err != nil || ct != "application/pdf" || !bytes.Equal(out, pdf) {
		t.Fatalf("pdf: %s %v", ct, err)
	}
	for name, b := range map[string][]byte{
		"gif":            []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"text":           []byte("hello"),
		"truncated jpeg": raw[:len(raw)/2],
		"html":           []byte("<html><script>alert(1)</script>"),
	} {
		if _, _, err := feedback.CleanFile(b); app.Fields(err)["file"] != "err.feedback_file_type" {
			t.Errorf("%s: %v, want a type refusal", name, err)
		}
	}
}

func TestReportPhotosAreStoredWithoutMetadata(t *testing.T) {
	f := newFixture(t)
	o := f.observe(t, feedback.ObservationInput{Files: []feedback.Upload{{Name: "../../IMG_0042.JPG", Data: jpegWithGPS(t)}}})
	atts, err := f.svc.Attachments(f.ctx, f.viewer, app.RecordObservation, o.ID)
	if err != nil || len(atts) != 1 || atts[0].Name != "IMG_0042.JPG" || atts[0].UploadedBy != "anonymous" {
		t.Fatalf("attachments %+v %v", atts, err)
	}
	_, rc, err := f.svc.OpenAttachment(f.ctx, f.viewer, app.RecordObservation, o.ID, atts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if bytes.Contains(b, []byte("Exif")) {
		t.Fatal("the stored photo kept its Exif")
	}
	if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.OpenAttachment(f.ctx, f.otherAdmin, app.RecordObservation, o.ID, atts[0].ID); app.ErrorCode(err) != app.ENotFound {
		t.Fatalf("another hospital opened it: %v", err)
	}
	// Staff uploads are cleaned the same way; other types are refused.
	if _, err := f.svc.Attach(f.ctx, f.manager, app.RecordObservation, o.ID, "x.gif", strings.NewReader("GIF89a\x01\x00")); app.Fields(err)["file"] == "" {
		t.Fatalf("gif accepted: %v", err)
	}
	att, err := f.svc.Attach(f.ctx, f.manager, app.RecordObservation, o.ID, "ward.jpg", bytes.NewReader(jpegWithGPS(t)))
	if err != nil || att.SHA256 != atts[0].SHA256 {
		t.Fatalf("staff upload: %+v %v (the same picture cleaned is the same file)", att, err)
	}
	if _, err := f.svc.Attach(f.ctx, f.viewer, app.RecordObservation, o.ID, "x.jpg", bytes.NewReader(jpegWithGPS(t))); err != app.ErrForbidden {
		t.Fatalf("a viewer attached: %v", err)
	}
}
