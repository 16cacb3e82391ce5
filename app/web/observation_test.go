package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/store"
)

// logBuffer collects the server's log lines (the handler writes from several goroutines).
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// multipartForm encodes fields and files (field "file") as multipart/form-data.
func multipartForm(t *testing.T, fields url.Values, files map[string][]byte) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, b := range files {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(b)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

// from sends a request straight to the handler as a client at addr with a browser
// string, as the server sees it from the network (RemoteAddr is what it reads; a
// forwarding header is sent too, which it must not trust or keep either).
func (e *env) from(addr, agent, method, path, contentType string, body io.Reader) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = addr + ":52114"
	req.Header.Set("User-Agent", agent)
	req.Header.Set("X-Forwarded-For", addr)
	req.Header.Set("X-Real-Ip", addr)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	e.a.Web.Handler().ServeHTTP(rec, req)
	return rec
}

// dumpDatabase returns every value of every table, as text.
func dumpDatabase(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := st.R.QueryContext(ctx, `select name from sqlite_master where type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out strings.Builder
	for _, table := range tables {
		rows, err := st.R.QueryContext(ctx, `select * from "`+table+`"`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprint(&out, table, ":", v, "\n")
			}
		}
		rows.Close()
	}
	if len(tables) < 30 || !strings.Contains(out.String(), "audit_log:") {
		t.Fatalf("the dump looks incomplete (%d tables)", len(tables))
	}
	return out.String()
}

// TestAnonymousObservationLeavesNoTraceOfItsReporter is the acceptance test of issue #8:
// a report through the public form and one through the public API, from a distinctive
// address and browser, leave neither in any table of the database (audit log, outbox,
// sessions and notifications included), in its raw file, or in the log.
func TestAnonymousObservationLeavesNoTraceOfItsReporter(t *testing.T) {
	logs := &logBuffer{}
	e := newEnvWith(t, appliance.Config{LoginRate: rate.Inf,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	const ip, agent = "203.0.113.77", "ReporterBrowser/7.3 (secret-device-4471)"
	ctx := context.Background()

	// A control from another address shows the log does record client addresses.
	if rec := e.from("198.51.100.23", "Other/1.0", "GET", "/complaint", "", nil); rec.Code != 200 {
		t.Fatalf("control: %d", rec.Code)
	}
	if rec := e.from(ip, agent, "GET", "/observe?hospital="+e.hospA.Code, "", nil); rec.Code != 200 {
		t.Fatalf("form: %d", rec.Code)
	}
	body, ct := multipartForm(t, url.Values{"hospital": {e.hospA.Code}, "department": {e.deptA.Code}, "category": {"falls"},
		"subcategory": {"fall_risk"}, "severity": {"high"}, "description": {"Wet floor by the lifts, no sign."},
		"location": {"Ground floor"}, "reporter_name": {"Typed Without Ticking"}}, map[string][]byte{"floor.jpg": webJPEGWithGPS(t)})
	rec := e.from(ip, agent, "POST", "/observe", ct, body)
	if rec.Code != 200 {
		t.Fatalf("form submit: %d %.500s", rec.Code, rec.Body.String())
	}
	formCode := trackingCodeIn(t, rec.Body.String())
	rec = e.from(ip, agent, "POST", "/api/v1/public/observations", "application/json", strings.NewReader(`{"hospital":"`+e.hospA.Code+
		`","category":"infection","severity":"medium","description":"No soap at the ICU sink."}`))
	var created struct {
		TrackingCode string `json:"tracking_code"`
	}
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &created) != nil {
		t.Fatalf("api: %d %s", rec.Code, rec.Body.String())
	}
	for _, code := range []string{formCode, created.TrackingCode} {
		o, err := e.store().ObservationByTrackingCode(ctx, code)
		if err != nil || o.Identified || o.ReporterName != "" {
			t.Fatalf("observation %s: %+v %v", code, o, err)
		}
		if rec := e.from(ip, agent, "GET", "/observe/track?code="+code, "", nil); rec.Code != 200 {
			t.Fatalf("tracking: %d", rec.Code)
		}
		if rec := e.from(ip, agent, "GET", "/api/v1/public/observations/"+code, "", nil); rec.Code != 200 {
			t.Fatalf("api tracking: %d", rec.Code)
		}
	}

	dump := dumpDatabase(t, e.store())
	if !strings.Contains(dump, "Wet floor by the lifts") || !strings.Contains(dump, "No soap at the ICU sink") {
		t.Fatal("the reports are not in the dump: the search would prove nothing")
	}
	var dbFile string
	if err := e.store().R.QueryRowContext(ctx, `select file from pragma_database_list where name = 'main'`).Scan(&dbFile); err != nil ||
		filepath.Base(dbFile) != store.DBFile {
		t.Fatalf("database file %q: %v", dbFile, err)
	}
	raw := []byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(dbFile + suffix)
		if err == nil {
			raw = append(raw, b...)
		}
	}
	if len(raw) == 0 {
		t.Fatal("could not read the database file")
	}
	log := logs.String()
	if !strings.Contains(log, "198.51.100.23") || !strings.Contains(log, "path=/observe") {
		t.Fatalf("the captured log lacks the control or the reports' requests: %.2000s", log)
	}
	for _, secret := range []string{ip, agent, "secret-device-4471", "Typed Without Ticking"} {
		if strings.Contains(dump, secret) {
			t.Errorf("a table holds %q", secret)
		}
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the database file holds %q", secret)
		}
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// webJPEGWithGPS encodes a small picture and inserts by hand an APP1 Exif segment whose
// IFD0 points to a GPS IFD (latitude 24° 42' 12.34" N), as phones write them.
func webJPEGWithGPS(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 24))
	for x := range 24 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 10), 120, uint8(y * 10), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	ifd0 := make([]byte, 18)
	be.PutUint16(ifd0[0:], 1)
	be.PutUint16(ifd0[2:], 0x8825) // GPSInfo
	be.PutUint16(ifd0[4:], 4)
	be.PutUint32(ifd0[6:], 1)
	be.PutUint32(ifd0[10:], 26)
	gps := make([]byte, 30)
	be.PutUint16(gps[0:], 2)
	be.PutUint16(gps[2:], 1) // GPSLatitudeRef "N"
	be.PutUint16(gps[4:], 2)
	be.PutUint32(gps[6:], 2)
	copy(gps[10:], "N")
	be.PutUint16(gps[14:], 2) // GPSLatitude, 3 RATIONALs at 56
	be.PutUint16(gps[16:], 5)
	be.PutUint32(gps[18:], 3)
	be.PutUint32(gps[22:], 56)
	rats := make([]byte, 24)
	for i, v := range []uint32{24, 1, 42, 1, 1234, 100} {
		be.PutUint32(rats[i*4:], v)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), ifd0...)
	payload = append(append(payload, gps...), rats...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	b := buf.Bytes()
	out := append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUploadedPhotoLosesItsGPS is the acceptance test of the metadata stripping: a JPEG
// with an Exif GPS segment sent with the public form comes back from the staff download
// without any APP1 (Exif) segment, and still decodes.
func TestUploadedPhotoLosesItsGPS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	photo := webJPEGWithGPS(t)
	body, ct := multipartForm(t, url.Values{"hospital": {e.hospA.Code}, "category": {"equipment"}, "severity": {"low"},
		"description": {"Broken wheel on the crash cart."}}, map[string][]byte{"cart.jpg": photo})
	r := e.do(e.client(), "POST", "/observe", body, http.Header{"Content-Type": {ct}})
	if r.status != 200 {
		t.Fatalf("submit: %d %.500s", r.status, r.body)
	}
	o, err := e.store().ObservationByTrackingCode(ctx, trackingCodeIn(t, r.body))
	if err != nil {
		t.Fatal(err)
	}
	files, err := e.store().RecordAttachments(ctx, app.RecordObservation, o.ID)
	if err != nil || len(files) != 1 || files[0].ContentType != "image/jpeg" {
		t.Fatalf("files %+v %v", files, err)
	}
	mgr := e.login(app.RoleDepartmentManager)
	page := fmt.Sprintf("/observations/%d", o.ID)
	if r := e.get(mgr, page); r.status != 200 || !strings.Contains(r.body, "cart.jpg") {
		t.Fatalf("record: %d", r.status)
	}
	got := e.get(mgr, fmt.Sprintf("%s/files/%d", page, files[0].ID))
	if got.status != 200 || got.header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", got.status, got.header)
	}
	b := []byte(got.body)
	for i := 2; i+4 <= len(b); { // every segment before the image data
		if b[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := b[i+1]
		if m >= 0xE1 && m <= 0xEF && m != 0xEE {
			t.Fatalf("APP%d segment in the download", m-0xE0)
		}
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	if bytes.Contains(b, []byte("Exif")) || len(b) >= len(photo) {
		t.Fatalf("the Exif segment is still there (%d bytes, sent %d)", len(b), len(photo))
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 24 {
		t.Fatalf("the download does not decode: %v", err)
	}
	// A file of another type is refused with the form kept, and nothing is written.
	body, ct = multipartForm(t, url.Values{"hospital": {e.hospA.Code}, "category": {"equipment"}, "description": {"Second"}},
		map[string][]byte{"x.gif": []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")})
	r = e.do(e.client(), "POST", "/observe", body, http.Header{"Content-Type": {ct}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "PDF") {
		t.Fatalf("gif: %d %.300s", r.status, r.body)
	}
	var n int
	_ = e.store().R.QueryRowContext(ctx, `select count(*) from observations`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d observations, want 1", n)
	}
}

func TestObservationPublicAPIAndStaffWorkflow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	anon := e.client()
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"hospital": "NOPE", "category": "falls", "description": "x"}, "hospital"},
		{map[string]any{"hospital": e.hospA.Code, "category": "ufo", "description": "x"}, "category"},
		{map[string]any{"hospital": e.hospA.Code, "category": "falls"}, "description"},
		{map[string]any{"hospital": e.hospA.Code, "category": "falls", "description": "x", "department": "NOPE"}, "department"},
		{map[string]any{"hospital": e.hospA.Code, "category": "falls", "description": "x", "identify": true}, "reporter_name"},
	} {
		r := e.postJSON(anon, "POST", "/api/v1/public/observations", "", c.body)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"code":"invalid"`) || !strings.Contains(r.body, `"`+c.field+`"`) {
			t.Errorf("%v: %d %s", c.body, r.status, r.body)
		}
	}
	if r := e.postJSON(anon, "POST", "/api/v1/public/observations", "", map[string]any{"hospital": e.hospA.Code, "user_agent": "x"}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown field: %d", r.status)
	}
	r := e.postJSON(anon, "POST", "/api/v1/public/observations", "", map[string]any{"hospital": e.hospA.Code, "category": "security",
		"severity": "critical", "description": "Door to the pharmacy store propped open.", "identify": true, "reporter_name": "Huda",
		"reporter_contact": "ext 4411"})
	var created struct {
		TrackingCode string `json:"tracking_code"`
	}
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &created) != nil {
		t.Fatalf("api: %d %s", r.status, r.body)
	}
	o, err := e.store().ObservationByTrackingCode(ctx, created.TrackingCode)
	if err != nil || !o.Identified || o.ReporterName != "Huda" || o.Severity != app.SeverityCritical {
		t.Fatalf("stored %+v %v", o, err)
	}
	page := fmt.Sprintf("/observations/%d", o.ID)
	// Tenancy: another hospital's admin does not see it.
	other, _, err := e.store().UserByEmail(ctx, e.emails[app.RoleHospitalAdmin])
	if err != nil {
		t.Fatal(err)
	}
	if len(other.HospitalIDs) == 1 && other.HospitalIDs[0] == e.hospA.ID {
		rB := e.postJSON(anon, "POST", "/api/v1/public/observations", "", map[string]any{"hospital": e.hospB.Code, "category": "falls",
			"description": "In hospital B"})
		var b struct {
			TrackingCode string `json:"tracking_code"`
		}
		_ = json.Unmarshal([]byte(rB.body), &b)
		ob, _ := e.store().ObservationByTrackingCode(ctx, b.TrackingCode)
		if r := e.get(e.login(app.RoleHospitalAdmin), fmt.Sprintf("/observations/%d", ob.ID)); r.status != http.StatusNotFound {
			t.Errorf("hospital A's admin opened hospital B's observation: %d", r.status)
		}
	}
	// The reporter's name shows to those who manage observations only.
	mgr := e.login(app.RoleDepartmentManager)
	if r := e.get(mgr, page); r.status != 200 || !strings.Contains(r.body, "Huda") {
		t.Fatalf("manager's record page: %d", r.status)
	}
	if r := e.get(e.login(app.RoleViewer), page); r.status != 200 || strings.Contains(r.body, "Huda") {
		t.Fatalf("viewer's record page: %d, shows the reporter: %v", r.status, strings.Contains(r.body, "Huda"))
	}
	if r := e.get(mgr, "/observations?severity=critical"); r.status != 200 || !strings.Contains(r.body, fmt.Sprintf("OBS-%d", o.ID)) {
		t.Fatalf("list: %d", r.status)
	}
	mgrUser, _, _ := e.store().UserByEmail(ctx, e.emails[app.RoleDepartmentManager])
	steps := []struct {
		path   string
		form   url.Values
		status int
	}{
		{"/transitions", url.Values{"to": {"closed"}}, http.StatusConflict},
		{"/triage", url.Values{"severity": {"high"}, "category": {fmt.Sprint(o.CategoryID)}}, http.StatusSeeOther},
		{"/assign", url.Values{"assignee": {"no-such-user"}}, http.StatusUnprocessableEntity},
		{"/assign", url.Values{"assignee": {mgrUser.ID}, "assign_note": {"yours"}}, http.StatusSeeOther},
		{"/transitions", url.Values{"to": {"in_progress"}}, http.StatusSeeOther},
		{"/resolve", url.Values{"resolution": {""}}, http.StatusUnprocessableEntity},
		{"/resolve", url.Values{"resolution": {"A door closer was fitted."}, "share": {"1"}}, http.StatusSeeOther},
	}
	for _, s := range steps {
		if r := e.post(mgr, page+s.path, s.form); r.status != s.status {
			t.Fatalf("%s %v: %d, want %d: %.400s", s.path, s.form, r.status, s.status, r.body)
		}
	}
	r = e.get(anon, "/observe/track?code="+url.QueryEscape(created.TrackingCode))
	if r.status != 200 || !strings.Contains(r.body, "A door closer was fitted.") || strings.Contains(r.body, "yours") ||
		strings.Contains(r.body, e.emails[app.RoleDepartmentManager]) {
		t.Fatalf("tracking: %d %.1000s", r.status, r.body)
	}
	if r := e.get(anon, "/api/v1/public/observations/"+created.TrackingCode); r.status != 200 || !strings.Contains(r.body, `"status":"resolved"`) {
		t.Fatalf("api tracking: %d %s", r.status, r.body)
	}
	// SLA settings: a hospital admin edits their hospital's rules.
	admin := e.login(app.RoleHospitalAdmin)
	if r := e.get(admin, "/observations/sla"); r.status != 200 || !strings.Contains(r.body, `name="critical_hours"`) {
		t.Fatalf("sla page: %d", r.status)
	}
	form := url.Values{"hospital": {fmt.Sprint(e.hospA.ID)}}
	for _, sev := range app.Severities {
		form.Set(string(sev)+"_hours", "48")
		form.Set(string(sev)+"_reminder", "6")
	}
	form.Set("low_reminder", "60")
	if r := e.post(admin, "/observations/sla", form); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("reminder after due: %d", r.status)
	}
	form.Set("low_reminder", "6")
	if r := e.post(admin, "/observations/sla", form); r.status != http.StatusSeeOther {
		t.Fatalf("save sla: %d %.300s", r.status, r.body)
	}
	rule, err := e.a.Feedback.SLARule(ctx, e.hospA.ID, app.SeverityCritical)
	if err != nil || rule.Hours != 48 || rule.ReminderHours != 6 {
		t.Fatalf("saved rule %+v %v", rule, err)
	}
	form.Set("hospital", fmt.Sprint(e.hospB.ID))
	if r := e.post(admin, "/observations/sla", form); r.status != http.StatusNotFound {
		t.Fatalf("another hospital's rules: %d", r.status)
	}
}

// TestLinkTokensStayOutOfTheLog: survey, opt-out and password-reset links carry secrets
// in their path; the access log shows the path without them.
func TestLinkTokensStayOutOfTheLog(t *testing.T) {
	logs := &logBuffer{}
	e := newEnvWith(t, appliance.Config{LoginRate: rate.Inf,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	c := e.client()
	for _, p := range []string{"/s/SecretSurveyToken0123456", "/o/secretoptouttoken", "/password/reset/SecretResetToken42"} {
		e.get(c, p)
	}
	for _, secret := range []string{"SecretSurveyToken0123456", "secretoptouttoken", "SecretResetToken42"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows %s", secret)
		}
	}
	if !strings.Contains(logs.String(), `path=/s/…`) {
		t.Errorf("no access-log line for the survey link:\n%s", logs.String())
	}
}
