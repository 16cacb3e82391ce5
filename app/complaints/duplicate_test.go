package complaints_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/search"
	"px360/store"
)

// dupIndexText is the similar-text search over the real complaint index, as the
// appliance wires it.
type dupIndexText struct{ x *search.ComplaintIndex }

func (t dupIndexText) Similar(ctx context.Context, scope app.Scope, hospitalID int64, text string, from, to time.Time, limit int) ([]int64, error) {
	hits, err := t.x.Search(ctx, search.ComplaintQuery{Scope: scope, HospitalID: hospitalID, Text: text, From: from, To: to, Limit: limit})
	return hits.IDs, err
}

// dupComplaint records a complaint at the given time (the env's clock is moved there).
func (e *env) dupComplaint(t *testing.T, at time.Time, in complaints.Input) app.Complaint {
	t.Helper()
	e.now = at
	if in.HospitalID == 0 {
		in.HospitalID = e.hospA.ID
	}
	in.SourceCode = "patient"
	c, err := e.svc.Create(context.Background(), app.System, in)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) dupPatient(t *testing.T, mrn string) {
	t.Helper()
	err := e.st.InTx(context.Background(), app.System, func(tx *store.Tx) error {
		return tx.SavePatient(context.Background(), &app.Patient{HospitalID: e.hospA.ID, MRN: mrn, NameEN: "P " + mrn, NameAR: "م", Language: "ar"}, nil, "", false)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func reasonsOf(ds []complaints.Duplicate) map[int64][]string {
	out := map[int64][]string{}
	for _, d := range ds {
		out[d.Complaint.ID] = d.Reasons
	}
	return out
}

func TestPossibleDuplicates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.dupPatient(t, "MRN-1")
	e.dupPatient(t, "MRN-2")
	day := 24 * time.Hour
	base := e.now
	c := e.dupComplaint(t, base, complaints.Input{PatientMRN: "MRN-1", ContactPhone: "0501111111",
		Description: "The radiology appointment was cancelled twice without explanation."})
	samePatient := e.dupComplaint(t, base.Add(-10*day), complaints.Input{PatientMRN: "MRN-1", ContactPhone: "0502222222",
		Description: "Parking was full."})
	both := e.dupComplaint(t, base.Add(-20*day), complaints.Input{PatientMRN: "MRN-1", ContactPhone: "0501111111",
		Description: "Food was cold."})
	samePhone := e.dupComplaint(t, base.Add(29*day), complaints.Input{ContactPhone: "0501111111", Description: "Rude reception."})
	tooOld := e.dupComplaint(t, base.Add(-31*day), complaints.Input{PatientMRN: "MRN-1", ContactPhone: "0501111111",
		Description: "Long wait."})
	otherHospital := e.dupComplaint(t, base.Add(-day), complaints.Input{HospitalID: e.hospB.ID, ContactPhone: "0501111111",
		Description: "The radiology appointment was cancelled twice without explanation."})
	similar := e.dupComplaint(t, base.Add(-2*day), complaints.Input{ContactPhone: "0503333333",
		Description: "My radiology appointment got cancelled again, no explanation given."})
	unrelated := e.dupComplaint(t, base.Add(-2*day), complaints.Input{PatientMRN: "MRN-2", ContactPhone: "0504444444",
		Description: "Great care in the maternity ward."})
	merged := e.dupComplaint(t, base.Add(-3*day), complaints.Input{ContactPhone: "0501111111", Description: "Billing error."})
	e.now = base
	if err := complaints.NewDuplicates(e.svc, nil).Merge(ctx, e.adminA, merged.ID, unrelated.ID, ""); err != nil {
		t.Fatal(err)
	}

	idx, err := search.OpenComplaints(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.Rebuild(ctx, e.st); err != nil {
		t.Fatal(err)
	}

	got, err := complaints.NewDuplicates(e.svc, dupIndexText{idx}).PossibleDuplicates(ctx, app.System, c, 10)
	if err != nil {
		t.Fatal(err)
	}
	reasons := reasonsOf(got)
	want := map[int64][]string{
		both.ID:        {complaints.ReasonSamePatient, complaints.ReasonSamePhone},
		samePatient.ID: {complaints.ReasonSamePatient},
		samePhone.ID:   {complaints.ReasonSamePhone},
		similar.ID:     {complaints.ReasonSimilarText},
	}
	for id, w := range want {
		if !slices.Equal(reasons[id], w) {
			t.Errorf("complaint %d: reasons %v, want %v", id, reasons[id], w)
		}
	}
	for name, id := range map[string]int64{"itself": c.ID, "31 days before": tooOld.ID, "another hospital": otherHospital.ID,
		"unrelated": unrelated.ID, "already merged": merged.ID} {
		if _, ok := reasons[id]; ok {
			t.Errorf("%s is offered as a duplicate", name)
		}
	}
	if len(got) != len(want) || got[0].Complaint.ID != both.ID {
		t.Errorf("got %d duplicates, first %d; want %d, first the one with two reasons", len(got), got[0].Complaint.ID, len(want))
	}

	t.Run("without the index, similar text is skipped", func(t *testing.T) {
		got, err := complaints.NewDuplicates(e.svc, nil).PossibleDuplicates(ctx, e.adminA, c, 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := reasonsOf(got)[similar.ID]; ok || len(got) != 3 {
			t.Fatalf("got %v", reasonsOf(got))
		}
	})
	t.Run("the limit holds", func(t *testing.T) {
		got, _ := complaints.NewDuplicates(e.svc, nil).PossibleDuplicates(ctx, e.adminA, c, 1)
		if len(got) != 1 || got[0].Complaint.ID != both.ID {
			t.Fatalf("got %v", reasonsOf(got))
		}
	})
	t.Run("a user of another hospital gets not found", func(t *testing.T) {
		adminB := app.Principal{UserID: "b", Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
		if _, err := complaints.NewDuplicates(e.svc, nil).PossibleDuplicates(ctx, adminB, c, 10); app.ErrorCode(err) != app.ENotFound {
			t.Fatalf("err %v, want not found", err)
		}
	})
}

func TestKeyWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
		want []string
	}{
		{"The radiology appointment was cancelled twice", 3, []string{"appointment", "radiology", "cancelled"}},
		{"Nurse nurse NURSE at 10 or 2024", 5, []string{"Nurse"}},
		{"لم تُجِب الممرضات على الجرس، الممرضات", 2, []string{"الممرضات", "الجرس"}},
		{"", 3, []string{}},
		{"anything", 0, nil},
	} {
		if got := complaints.KeyWords(tc.text, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("KeyWords(%q, %d) = %q, want %q", tc.text, tc.n, got, tc.want)
		}
	}
}

func TestMerge(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := complaints.NewDuplicates(e.svc, nil)
	dup := e.create(t)
	surv := e.create(t)
	if _, err := e.svc.Move(ctx, e.adminA, dup.ID, complaints.Transition{To: app.StatusInProgress, Note: "calling the ward"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddNote(ctx, e.adminA, dup.ID, "We are looking into it.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.W.Exec(`insert into complaint_attachments(complaint_id, sha256, name, content_type, size, uploaded_by,
		created_at) values (?, 'abc', 'photo.png', 'image/png', 10, 'a', '2026-11-22T06:00:00.000000Z')`, dup.ID); err != nil {
		t.Fatal(err)
	}
	dupEntries := len(timelineOf(t, e, dup.ID))
	survEntries := len(timelineOf(t, e, surv.ID))
	other := e.create(t)
	inB, err := e.svc.Create(ctx, app.System, complaints.Input{HospitalID: e.hospB.ID, SourceCode: "patient", Description: "B"})
	if err != nil {
		t.Fatal(err)
	}
	cancelled := e.create(t)
	if _, err := e.svc.Move(ctx, e.adminA, cancelled.ID, complaints.Transition{To: app.StatusCancelled, Note: "withdrawn"}); err != nil {
		t.Fatal(err)
	}
	viewer := app.Principal{UserID: "v", Role: app.RoleViewer, Scope: e.adminA.Scope}

	state := func() string { // everything a refused merge must leave alone
		var b strings.Builder
		for _, q := range []string{`select group_concat(id || status || coalesce(merged_into, '') || next_milestone_at, ';') from complaints`,
			`select count(*) from complaint_timeline`, `select group_concat(complaint_id) from complaint_attachments`,
			`select count(*) from outbox`, `select count(*) from audit_log`} {
			var s string
			if err := e.st.R.QueryRow(q).Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "|")
		}
		return b.String()
	}
	before := state()
	for _, tc := range []struct {
		name      string
		by        app.Principal
		dup, surv int64
		code      string
	}{
		{"no permission", viewer, dup.ID, surv.ID, app.EForbidden},
		{"itself", e.adminA, dup.ID, dup.ID, app.EConflict},
		{"different hospitals", app.System, dup.ID, inB.ID, app.EConflict},
		{"another hospital's complaint", e.adminA, inB.ID, surv.ID, app.ENotFound},
		{"into another hospital's complaint", e.adminA, dup.ID, inB.ID, app.ENotFound},
		{"into a cancelled complaint", e.adminA, dup.ID, cancelled.ID, app.EConflict},
		{"unknown complaint", e.adminA, 99999, surv.ID, app.ENotFound},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			if err := d.Merge(ctx, tc.by, tc.dup, tc.surv, ""); app.ErrorCode(err) != tc.code {
				t.Fatalf("err %v, want %s", err, tc.code)
			}
			if state() != before {
				t.Fatal("a refused merge changed something")
			}
		})
	}

	e.now = e.now.Add(time.Hour)
	if err := d.Merge(ctx, e.adminA, dup.ID, surv.ID, "same call bell complaint"); err != nil {
		t.Fatal(err)
	}
	t.Run("the duplicate points to the survivor, cancelled, its SLA stopped", func(t *testing.T) {
		got, _ := e.st.ComplaintByID(ctx, app.Scope{All: true}, dup.ID)
		if got.MergedInto != surv.ID || got.Status != app.StatusCancelled || !got.ClosedAt.Equal(e.now) || got.Resolution != "" {
			t.Fatalf("duplicate %+v", got)
		}
		if n := count(t, e.st, `select count(*) from complaints where id = ? and next_milestone_at = ''`, dup.ID); n != 1 {
			t.Fatal("the duplicate's SLA milestones still run")
		}
		if n := count(t, e.st, `select count(*) from complaints where id = ? and next_milestone_at != ''`, surv.ID); n != 1 {
			t.Fatal("the survivor's SLA clock stopped")
		}
	})
	t.Run("timelines are combined", func(t *testing.T) {
		tl := timelineOf(t, e, surv.ID)
		var copied, from int
		for _, x := range tl {
			switch x.Kind {
			case "merged_entry":
				copied++
				if x.Public || !strings.HasPrefix(x.Note, dup.TrackingCode+" · 2026-11-22 06:00 UTC · ") {
					t.Errorf("copied entry %+v", x)
				}
			case "merged_from":
				from++
				if !strings.Contains(x.Note, dup.TrackingCode) || !strings.Contains(x.Note, "same call bell complaint") {
					t.Errorf("merged_from note %q", x.Note)
				}
			}
		}
		if copied != dupEntries || from != 1 || len(tl) != survEntries+dupEntries+1 {
			t.Fatalf("survivor timeline: %d copied of %d, %d merged_from, %d entries", copied, dupEntries, from, len(tl))
		}
		kinds := []string{}
		for _, x := range timelineOf(t, e, dup.ID) {
			kinds = append(kinds, x.Kind)
		}
		if !slices.Contains(kinds, "merged_into") || !slices.Contains(kinds, "merged") {
			t.Fatalf("duplicate timeline kinds %v", kinds)
		}
	})
	t.Run("attachments move to the survivor", func(t *testing.T) {
		if n := count(t, e.st, `select count(*) from complaint_attachments where complaint_id = ?`, surv.ID); n != 1 {
			t.Fatalf("%d attachments on the survivor", n)
		}
	})
	t.Run("events for both and an audit row", func(t *testing.T) {
		for _, id := range []int64{dup.ID, surv.ID} {
			if n := count(t, e.st, `select count(*) from outbox where kind = 'complaint.updated' and json_extract(payload, '$.id') = ?
				and created_at = ?`, id, e.now.Format("2006-01-02T15:04:05.000000Z")); n != 1 {
				t.Errorf("complaint %d: %d complaint.updated events", id, n)
			}
		}
		if n := count(t, e.st, `select count(*) from audit_log where action = 'complaint.merge' and entity_id = ?`, dup.ID); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})
	t.Run("the tracking page shows cancelled and says it was combined, no internal details", func(t *testing.T) {
		tr, err := e.svc.Track(ctx, dup.TrackingCode)
		if err != nil || tr.Status != app.StatusCancelled {
			t.Fatalf("track %+v %v", tr, err)
		}
		last := tr.Updates[len(tr.Updates)-1]
		if last.Kind != "merged" || !strings.Contains(last.Note, "دُمجت") || strings.Contains(last.Note, surv.TrackingCode) ||
			strings.Contains(last.Note, "call bell") {
			t.Fatalf("last public update %+v", last)
		}
	})
	t.Run("refused: already merged, either way", func(t *testing.T) {
		before := state()
		for _, pair := range [][2]int64{{dup.ID, other.ID}, {other.ID, dup.ID}} {
			if err := d.Merge(ctx, e.adminA, pair[0], pair[1], ""); app.ErrorCode(err) != app.EConflict {
				t.Fatalf("merge %v: err %v, want conflict", pair, err)
			}
		}
		if state() != before {
			t.Fatal("a refused merge changed something")
		}
	})
}

func timelineOf(t *testing.T, e *env, id int64) []app.TimelineEntry {
	t.Helper()
	tl, err := e.st.Timeline(context.Background(), id, false)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}
