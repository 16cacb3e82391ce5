package his_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"px360/app"
	"px360/app/his"
	"px360/app/hl7"
	"px360/app/notify"
	"px360/app/notify/provider/providertest"
	"px360/app/orgs"
	"px360/app/surveys"
	"px360/app/vault"
	"px360/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type fixture struct {
	ctx      context.Context
	dir      string
	st       *store.Store
	svc      *his.Service
	surveys  *surveys.Service
	notify   *notify.Service
	clock    *clock
	fake     *providertest.HTTP
	hospital app.Hospital
	hl7      app.Integration
	json     app.Integration
	jsonKey  string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return openFixture(t, t.TempDir())
}

func openFixture(t testing.TB, dir string) *fixture {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2025, 3, 14, 6, 0, 0, 0, time.UTC)}
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
	f.notify = notify.New(st, v, nil)
	f.notify.Now, f.notify.HTTPClient = c.Now, f.fake.Client()
	f.surveys = surveys.New(st, f.notify, v, nil)
	f.surveys.Now = c.Now
	f.svc = his.New(st, orgs.New(st, v), f.surveys, nil)
	f.svc.Now = c.Now
	if h, err := st.HospitalByCode(ctx, app.System.Scope, "HHRUH"); err == nil { // reopened
		f.hospital = h
		ins, _ := st.Integrations(ctx)
		for _, in := range ins {
			if in.Kind == app.IntegrationHL7 {
				f.hl7 = in
			} else {
				f.json = in
			}
		}
		return f
	}
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		f.hospital = app.Hospital{OrganizationID: org, Code: "HHRUH", NameEN: "Al-Hilal", NameAR: "الهلال", TimeZone: "Asia/Riyadh", Active: true}
		if err := tx.SaveHospital(ctx, &f.hospital); err != nil {
			return err
		}
		return tx.SaveDepartment(ctx, &app.Department{HospitalID: f.hospital.ID, Code: "MED3", NameEN: "Medicine 3", NameAR: "الباطنية ٣",
			Category: app.DeptMedical, Active: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.surveys.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.notify.SaveProvider(ctx, app.System, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{"base_url": f.fake.URL(),
		"account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken, "from": "+15005550006"}); err != nil {
		t.Fatal(err)
	}
	if f.hl7, _, err = f.svc.SaveIntegration(ctx, app.System, 0, his.IntegrationInput{Name: "MEDORA ADT", Kind: app.IntegrationHL7,
		HospitalCode: "HHRUH", Enabled: true}, false); err != nil {
		t.Fatal(err)
	}
	if f.json, f.jsonKey, err = f.svc.SaveIntegration(ctx, app.System, 0, his.IntegrationInput{Name: "Portal", Kind: app.IntegrationJSON,
		EventMap: map[string]string{"discharge": "A03", "admit": "A01"}, Enabled: true}, false); err != nil {
		t.Fatal(err)
	}
	return f
}

func sample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "hl7", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// discharge turns the A01 sample into the A03 of the same visit, discharged at 11:30.
func discharge(t testing.TB) string {
	m := sample(t, "adt_a01_inpatient.hl7")
	m = strings.Replace(m, "ADT^A01^ADT_A01|HHRUH25031408351201", "ADT^A03^ADT_A03|HHRUH25031911300001", 1)
	m = strings.Replace(m, "EVN|A01|20250314083500", "EVN|A03|20250319113000", 1)
	return strings.Replace(m, "HHRUH|||||202503140820", "HHRUH|||||202503140820|202503191130", 1)
}

// mllp starts the HL7 integration's listener on a free port and returns a client.
func (f *fixture) mllp(t testing.TB) (net.Conn, *bufio.Reader) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := f.svc.ListenOn(f.hl7, ln)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { l.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

func (f *fixture) send(t testing.TB, c net.Conn, r *bufio.Reader, msg string) string {
	t.Helper()
	ack, err := his.Send(c, r, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := hl7.AckCode(ack)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func (f *fixture) process(t testing.TB) {
	t.Helper()
	if _, err := f.svc.Process(f.ctx); err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdmitThenDischargeOverMLLPSchedulesOneSurvey(t *testing.T) {
	f := newFixture(t)
	c, r := f.mllp(t)
	if code := f.send(t, c, r, sample(t, "adt_a01_inpatient.hl7")); code != "AA" {
		t.Fatalf("A01 ack %s", code)
	}
	f.process(t)
	p, err := f.st.PatientByMRN(f.ctx, f.hospital.ID, "100245871")
	if err != nil || p.Phone != "+966501234567" || p.NameEN != "Fahad Al-Otaibi" || p.Language != "ar" {
		t.Fatalf("patient: %+v %v", p, err)
	}
	views, err := f.svc.Visits(f.ctx, app.System, "100245871")
	if err != nil || len(views) != 1 {
		t.Fatalf("visits: %v %v", views, err)
	}
	v := views[0]
	if v.Visit.Number != "V25031400087" || v.Visit.State() != "admitted" || v.Visit.DepartmentID == 0 || v.Journey == nil ||
		v.Journey.Template.Code != "INPATIENT" || v.Journey.Progress != 50 {
		t.Fatalf("after A01: %+v journey %+v", v.Visit, v.Journey)
	}
	for range 2 { // the second A03 is a duplicate by control id: acknowledged, ignored
		if code := f.send(t, c, r, discharge(t)); code != "AA" {
			t.Fatalf("A03 ack %s", code)
		}
	}
	f.process(t)
	views, _ = f.svc.Visits(f.ctx, app.System, "100245871")
	v = views[0]
	if v.Visit.State() != "discharged" || v.Journey.Instance.Status != "completed" || v.Journey.Progress != 100 || len(v.Events) != 2 {
		t.Fatalf("after A03: %+v %+v events %d", v.Visit, v.Journey.Instance, len(v.Events))
	}
	if len(v.Journey.Surveys) != 1 {
		t.Fatalf("surveys scheduled: %+v", v.Journey.Surveys)
	}
	riy := app.Riyadh()
	want := time.Date(2025, 3, 19, 13, 30, 0, 0, riy) // discharge 11:30 + 2 h, inside 08:00–21:00
	if s := v.Journey.Surveys[0]; !s.DueAt.Equal(want) || s.Status != "scheduled" {
		t.Fatalf("survey due %v (%s), want %v", s.DueAt, s.Status, want)
	}
	if n := count(t, f.st, `select count(*) from his_messages where status = 'duplicate'`); n != 1 {
		t.Fatalf("duplicates logged: %d", n)
	}
	// A third copy of the A03 with a new control id changes nothing either.
	again := strings.Replace(discharge(t), "HHRUH25031911300001", "HHRUH25031911300002", 1)
	f.send(t, c, r, again)
	f.process(t)
	views, _ = f.svc.Visits(f.ctx, app.System, "100245871")
	if len(views[0].Journey.Surveys) != 1 {
		t.Fatal("a repeated discharge scheduled another survey")
	}
	// Not yet due; then due: one invitation by SMS, through the surveys module.
	f.clock.Set(want.Add(-time.Minute))
	if n, _ := f.svc.SendDue(f.ctx, f.clock.Now()); n != 0 {
		t.Fatal("sent before its time")
	}
	f.clock.Set(want)
	if n, err := f.svc.SendDue(f.ctx, f.clock.Now()); err != nil || n != 1 {
		t.Fatalf("send due: %d %v", n, err)
	}
	views, _ = f.svc.Visits(f.ctx, app.System, "100245871")
	if s := views[0].Journey.Surveys[0]; s.Status != "sent" || s.SurveyInstanceID == 0 {
		t.Fatalf("after sending: %+v", s)
	}
	if n := count(t, f.st, `select count(*) from survey_instances where source = 'journey'`); n != 1 {
		t.Fatalf("survey invitations: %d", n)
	}
}

func TestDischargeBeforeAdmitGivesAConsistentVisit(t *testing.T) {
	f := newFixture(t)
	c, r := f.mllp(t)
	f.send(t, c, r, discharge(t))
	f.send(t, c, r, sample(t, "adt_a01_inpatient.hl7"))
	f.process(t)
	views, _ := f.svc.Visits(f.ctx, app.System, "100245871")
	if len(views) != 1 {
		t.Fatalf("visits %d", len(views))
	}
	v := views[0]
	if v.Visit.State() != "discharged" || v.Visit.AdmitAt.IsZero() || v.Journey.Progress != 100 || len(v.Journey.Surveys) != 1 {
		t.Fatalf("out of order: %+v %+v", v.Visit, v.Journey)
	}
}

func TestCancelledAdmissionCancelsTheSurvey(t *testing.T) {
	f := newFixture(t)
	c, r := f.mllp(t)
	f.send(t, c, r, sample(t, "adt_a01_inpatient.hl7"))
	f.send(t, c, r, discharge(t))
	cancel := strings.Replace(sample(t, "adt_a01_inpatient.hl7"), "ADT^A01^ADT_A01|HHRUH25031408351201", "ADT^A11^ADT_A09|C11", 1)
	cancel = strings.Replace(cancel, "EVN|A01", "EVN|A11", 1)
	if code := f.send(t, c, r, cancel); code != "AA" {
		t.Fatalf("A11: %s", code)
	}
	f.process(t)
	views, _ := f.svc.Visits(f.ctx, app.System, "100245871")
	v := views[0]
	if v.Visit.State() != "cancelled" || v.Journey.Instance.Status != "cancelled" || v.Journey.Surveys[0].Status != "cancelled" {
		t.Fatalf("after A11: %s %s %+v", v.Visit.State(), v.Journey.Instance.Status, v.Journey.Surveys)
	}
}

func TestBadMessagesAreKeptWithTheirErrorsAndAcks(t *testing.T) {
	f := newFixture(t)
	c, r := f.mllp(t)
	if code := f.send(t, c, r, "this is not HL7"); code != "AR" {
		t.Fatalf("garbage: %s", code)
	}
	oru := "MSH|^~\\&|LAB|HHRUH|PX360|HHRUH|20250314||ORU^R01|L1|P|2.5\rPID|1||100245871^^^HHRUH^MR\r"
	if code := f.send(t, c, r, oru); code != "AR" {
		t.Fatalf("ORU: %s", code)
	}
	noVisit := "MSH|^~\\&|HIS|HHRUH|PX360|HHRUH|20250314||ADT^A01|N1|P|2.5\rPID|1||55^^^HHRUH^MR\rPV1|1|I\r"
	if code := f.send(t, c, r, noVisit); code != "AE" {
		t.Fatalf("A01 without a visit: %s", code)
	}
	if n := count(t, f.st, `select count(*) from his_messages where status = 'error'`); n != 3 {
		t.Fatalf("error messages kept: %d", n)
	}
	// Applying can fail too: a visit number that moves to another patient.
	other := strings.Replace(sample(t, "adt_a01_inpatient.hl7"), "100245871^^^HHRUH^MR", "999^^^HHRUH^MR", 1)
	other = strings.Replace(other, "HHRUH25031408351201", "OTHER1", 1)
	f.send(t, c, r, sample(t, "adt_a01_inpatient.hl7"))
	f.send(t, c, r, other)
	f.process(t)
	page, _ := f.svc.Messages(f.ctx, app.System, app.ListQuery{}, store.InboundFilter{Status: app.InboundError})
	if len(page.Items) != 4 || !strings.Contains(page.Items[0].Error, "belongs to another patient") {
		t.Fatalf("apply error: %+v", page.Items)
	}
	if err := f.svc.Reprocess(f.ctx, app.System, page.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Reprocess(f.ctx, app.System, page.Items[0].ID); err == nil {
		t.Fatal("reprocessing a queued message again")
	}
}

func TestJSONBatchStoresGoodEventsAndReportsBadOnesByIndex(t *testing.T) {
	f := newFixture(t)
	body := `{"events":[
		{"event_id":"e1","type":"admit","hospital":"HHRUH","mrn":"M1","visit":"V1","patient_class":"I","phone":"0501112222","admit_at":"2025-03-14T08:00:00+03:00"},
		{"event_id":"e2","type":"weird","hospital":"HHRUH","mrn":"M1","visit":"V1"},
		{"event_id":"e3","type":"discharge","hospital":"HHRUH","mrn":"M1","visit":"V1","discharge_at":"yesterday"},
		"not an object",
		{"event_id":"e1","type":"admit","hospital":"HHRUH","mrn":"M1","visit":"V1"},
		{"event_id":"e4","type":"A03","hospital":"NOPE","mrn":"M2","visit":"V2"}
	]}`
	res, err := f.svc.ReceiveJSON(f.ctx, f.json, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range res {
		got = append(got, r.Status)
	}
	if strings.Join(got, ",") != "accepted,error,error,error,duplicate,accepted" {
		t.Fatalf("results: %v", res)
	}
	if !strings.Contains(res[1].Error, "weird") || !strings.Contains(res[2].Error, "discharge_at") {
		t.Fatalf("errors: %+v", res)
	}
	f.process(t)
	if p, err := f.st.PatientByMRN(f.ctx, f.hospital.ID, "M1"); err != nil || p.Phone != "+966501112222" {
		t.Fatalf("patient from JSON: %+v %v", p, err)
	}
	m, _ := f.st.InboundByID(f.ctx, app.System.Scope, res[5].MessageID)
	if m.Status != app.InboundError || !strings.Contains(m.Error, "unknown hospital") {
		t.Fatalf("unknown hospital applied: %+v", m)
	}
	for _, bad := range []string{``, `{}`, `{"events":[]}`, `[1,2]`, `{"events":` + strings.Repeat(`{},`, 1000) + `{}]}`} {
		var be *his.ErrBadBatch
		if _, err := f.svc.ReceiveJSON(f.ctx, f.json, strings.NewReader(bad)); err == nil || !asBad(err, &be) {
			t.Errorf("%.30q: %v", bad, err)
		}
	}
	if _, err := f.svc.Authenticate(f.ctx, "px360_wrong"); err == nil {
		t.Fatal("a wrong key authenticated")
	}
	if in, err := f.svc.Authenticate(f.ctx, f.jsonKey); err != nil || in.ID != f.json.ID {
		t.Fatalf("the right key: %v", err)
	}
}

func asBad(err error, target **his.ErrBadBatch) bool {
	b, ok := err.(*his.ErrBadBatch)
	*target = b
	return ok
}

// BenchmarkMLLP measures HL7 over MLLP with ACKs: 8 connections, each sending and
// waiting for its ACK; the messages are stored (group commits) before they are acknowledged.
func BenchmarkMLLP(b *testing.B) {
	f := newFixture(b)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	l := f.svc.ListenOn(f.hl7, ln)
	ctx, cancel := context.WithCancel(f.ctx)
	go l.Serve(ctx)
	defer cancel()
	base := sample(b, "adt_a01_inpatient.hl7")
	const conns = 8
	var next int64
	var mu sync.Mutex
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= int64(b.N) {
					return
				}
				msg := strings.Replace(base, "HHRUH25031408351201", fmt.Sprint("B", i), 1)
				ack, err := his.Send(c, r, []byte(msg))
				if err != nil {
					b.Error(err)
					return
				}
				if code, _, _ := hl7.AckCode(ack); code != "AA" {
					b.Errorf("ack %s", code)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkJSONBatch measures the batch API's storing of events (1,000 per batch).
func BenchmarkJSONBatch(b *testing.B) {
	f := newFixture(b)
	var batches []string
	for i := 0; i < b.N; i += 1000 {
		var evs []string
		for k := i; k < min(i+1000, b.N); k++ {
			e, _ := json.Marshal(his.JSONEvent{EventID: fmt.Sprint("b", k), Type: "A04", Hospital: "HHRUH", MRN: fmt.Sprint("M", k%5000),
				Visit: fmt.Sprint("V", k), PatientClass: "O", Phone: "0501234567"})
			evs = append(evs, string(e))
		}
		batches = append(batches, `{"events":[`+strings.Join(evs, ",")+`]}`)
	}
	b.ResetTimer()
	for _, body := range batches {
		if _, err := f.svc.ReceiveJSON(f.ctx, f.json, strings.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkProcess measures applying stored events: patient upsert, visit, visit event
// and journey per event, 200 per transaction.
func BenchmarkProcess(b *testing.B) {
	f := newFixture(b)
	var batches []string
	for i := 0; i < b.N; i += 1000 {
		var evs []string
		for k := i; k < min(i+1000, b.N); k++ {
			e, _ := json.Marshal(his.JSONEvent{EventID: fmt.Sprint("p", k), Type: "A04", Hospital: "HHRUH", MRN: fmt.Sprint("M", k%5000),
				Visit: fmt.Sprint("V", k), PatientClass: "O", Phone: "0501234567"})
			evs = append(evs, string(e))
		}
		batches = append(batches, `{"events":[`+strings.Join(evs, ",")+`]}`)
	}
	for _, body := range batches {
		if _, err := f.svc.ReceiveJSON(f.ctx, f.json, strings.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	if _, err := f.svc.Process(f.ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
