package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"px360/app"
	"px360/app/complaints"
	"px360/app/taxonomy"
	"px360/store"
)

// requireRoute fails t unless path is registered.
func requireRoute(t *testing.T, e *env, path string) {
	t.Helper()
	for _, r := range e.a.Web.Routes() {
		if r.Path == path {
			return
		}
	}
	t.Fatalf("%s is not registered", path)
}

// searchPage gets the complaint search page with query v.
func (e *env) searchPage(t *testing.T, c *http.Client, v url.Values, header http.Header) response {
	t.Helper()
	r := e.do(c, "GET", "/complaints/search?"+v.Encode(), nil, header)
	if r.status != http.StatusOK {
		t.Fatalf("search %v: %d %.300s", v, r.status, r.body)
	}
	return r
}

// resultRows counts the result table's rows.
func resultRows(body string) int { return strings.Count(body, `<tr class="clickable"`) }

// createWith records a complaint in hospital h through the service, as the system.
func (e *env) createWith(h app.Hospital, in complaints.Input) app.Complaint {
	e.t.Helper()
	in.HospitalID, in.SourceCode, in.PreferredLanguage = h.ID, "patient", "ar"
	if in.ContactPhone == "" {
		in.ContactPhone = "+966501112233"
	}
	c, err := e.a.Complaints.Create(context.Background(), app.System, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestComplaintSearchPageRendersInBothLanguages(t *testing.T) {
	e := newEnv(t)
	requireRoute(t, e, "/complaints/search")
	c := e.login(app.RoleViewer)
	for _, lang := range []string{"en", "ar"} {
		want := map[string]string{"en": "Search complaints", "ar": "البحث في الشكاوى"}[lang]
		e.post(c, "/language", url.Values{"lang": {lang}, "next": {"/complaints/search"}})
		r := e.get(c, "/complaints/search")
		if r.status != http.StatusOK && r.status != http.StatusServiceUnavailable {
			t.Fatalf("%s: status %d", lang, r.status)
		}
		if !strings.Contains(r.body, want) || !strings.Contains(r.body, `name="q"`) || !strings.Contains(r.body, `name="sla"`) {
			t.Fatalf("%s: the page lacks its title or search form", lang)
		}
		if m := untranslated.FindString(r.body); m != "" || strings.Contains(r.body, ">complaint.") {
			t.Fatalf("%s: untranslated key %q", lang, m)
		}
		if lang == "ar" && !strings.Contains(r.body, `dir="rtl"`) {
			t.Fatal("the Arabic page is not right-to-left")
		}
	}
	e.searchPage(t, c, nil, nil) // from here on the index is wired: an empty search lists, newest first
}

func TestComplaintSearchFindsByWordAndFilters(t *testing.T) {
	e := newEnv(t)
	requireRoute(t, e, "/complaints/search")
	ctx := context.Background()
	tax := taxonomy.New(e.a.Store)
	if err := tax.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	tree, err := tax.ActiveTree(ctx, e.hospA.ID)
	if err != nil || len(tree) < 2 || len(tree[0].Children) == 0 {
		t.Fatalf("default taxonomy: %d domains, %v", len(tree), err)
	}
	domain, leaf, otherDomain := tree[0], tree[0].Children[0], tree[1]
	for len(leaf.Children) > 0 {
		leaf = leaf.Children[0]
	}

	nurses := e.createWith(e.hospA, complaints.Input{Severity: app.SeverityHigh, CategoryID: leaf.ID,
		Description: "تأخرت الممرضات في الاستجابة للنداء طوال الليل"})
	parking := e.createWith(e.hospA, complaints.Input{Severity: app.SeverityLow, Description: "No parking spaces near the clinics."})
	held := e.createWith(e.hospA, complaints.Input{Severity: app.SeverityLow, Description: "Parking fees were charged twice."})
	other := e.createWith(e.hospB, complaints.Input{Severity: app.SeverityHigh, Description: "الممرضة لم تحضر الدواء"})
	if _, err := e.a.Complaints.Move(ctx, app.System, held.ID, complaints.Transition{To: app.StatusOnHold, HoldReason: app.HoldPatient}); err != nil {
		t.Fatal(err)
	}
	// A clock started 90 days ago is breached whatever the rule: only the clock tells it
	// apart from parking (same status, same index fields).
	late := e.createWith(e.hospA, complaints.Input{Severity: app.SeverityLow, Description: "Parking barrier broken for weeks."})
	if _, err := e.store().W.ExecContext(ctx, `update complaints set sla_start = ? where id = ?`,
		time.Now().AddDate(0, 0, -90).UTC().Format("2006-01-02T15:04:05.000000Z"), late.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.a.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	c := e.login(app.RoleHospitalAdmin)
	today := time.Now().In(mustZone(t, e.hospA.TimeZone)).Format(time.DateOnly)
	tomorrow := time.Now().In(mustZone(t, e.hospA.TimeZone)).AddDate(0, 0, 1).Format(time.DateOnly)

	for _, tc := range []struct {
		name      string
		query     url.Values
		want, not []app.Complaint
	}{
		{"another inflection of an Arabic word, own hospital only", url.Values{"q": {"الممرضة"}}, []app.Complaint{nurses}, []app.Complaint{other, parking}},
		{"an English word by stem", url.Values{"q": {"park"}}, []app.Complaint{parking, held}, []app.Complaint{nurses}},
		{"severity", url.Values{"q": {"parking"}, "severity": {"low"}}, []app.Complaint{parking, held}, nil},
		{"severity excludes", url.Values{"severity": {"high"}}, []app.Complaint{nurses}, []app.Complaint{parking, held}},
		{"status", url.Values{"status": {"on_hold"}}, []app.Complaint{held}, []app.Complaint{parking, nurses}},
		{"SLA state paused", url.Values{"sla": {"paused"}}, []app.Complaint{held}, []app.Complaint{parking, nurses}},
		{"SLA state on time", url.Values{"q": {"parking"}, "sla": {"on_time"}}, []app.Complaint{parking}, []app.Complaint{held, late}},
		{"SLA state breached", url.Values{"q": {"parking"}, "sla": {"breached"}}, []app.Complaint{late}, []app.Complaint{held, parking}},
		{"SLA state with finished statuses only", url.Values{"sla": {"on_time"}, "status": {"closed"}}, nil, []app.Complaint{parking, held, nurses}},
		{"a domain includes the categories under it", url.Values{"category": {strconv.FormatInt(domain.ID, 10)}}, []app.Complaint{nurses}, []app.Complaint{parking}},
		{"another domain", url.Values{"category": {strconv.FormatInt(otherDomain.ID, 10)}}, nil, []app.Complaint{nurses}},
		{"created today", url.Values{"q": {"parking"}, "from": {today}, "to": {today}}, []app.Complaint{parking, held}, nil},
		{"created from tomorrow", url.Values{"q": {"parking"}, "from": {tomorrow}}, nil, []app.Complaint{parking, held}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.searchPage(t, c, tc.query, nil)
			for _, x := range tc.want {
				if !strings.Contains(r.body, x.TrackingCode) || !strings.Contains(r.body, `href="/complaints/`+strconv.FormatInt(x.ID, 10)+`"`) {
					t.Errorf("complaint %q not found, or not linked", x.Description)
				}
			}
			for _, x := range tc.not {
				if strings.Contains(r.body, x.TrackingCode) {
					t.Errorf("complaint %q found", x.Description)
				}
			}
			if len(tc.want) == 0 && !strings.Contains(r.body, "No complaint matches") {
				t.Error("no 'no match' message")
			}
		})
	}
	// The filters are kept in the form.
	r := e.searchPage(t, c, url.Values{"q": {"parking"}, "severity": {"low"}, "sla": {"on_time"}}, nil)
	if !strings.Contains(r.body, `value="parking"`) || !strings.Contains(r.body, `value="low" checked`) ||
		!strings.Contains(r.body, `value="on_time" checked`) {
		t.Error("the form does not keep the filters")
	}
}

func TestComplaintSearchPages(t *testing.T) {
	e := newEnv(t)
	requireRoute(t, e, "/complaints/search")
	ctx := context.Background()
	var made []app.Complaint
	for i := range 60 {
		made = append(made, e.createWith(e.hospA, complaints.Input{Description: "Noise in the ward at night, report " + strconv.Itoa(i)}))
	}
	if err := e.a.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	c := e.login(app.RoleHospitalAdmin)
	for _, tc := range []struct {
		name  string
		query url.Values
	}{
		{"without SLA state", url.Values{"q": {"noise"}}},
		{"with SLA state", url.Values{"q": {"noise"}, "sla": {"on_time", "due_soon"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := e.searchPage(t, c, tc.query, nil)
			if n := resultRows(first.body); n != 50 || strings.Contains(first.body, `rel="prev"`) {
				t.Fatalf("first page: %d rows (want 50), or a Previous link", n)
			}
			if !strings.Contains(first.body, "\u206860\u2069") {
				t.Error("the number of hits is not shown")
			}
			next := tc.query
			next.Set("offset", "50")
			if !strings.Contains(first.body, `href="/complaints/search?`+strings.ReplaceAll(next.Encode(), "&", "&amp;")+`"`) {
				t.Fatalf("no Next link to offset 50")
			}
			second := e.searchPage(t, c, next, nil)
			if n := resultRows(second.body); n != 10 || strings.Contains(second.body, `rel="next"`) || !strings.Contains(second.body, `rel="prev"`) {
				t.Fatalf("second page: %d rows (want 10), or Next, or no Previous", n)
			}
			seen := 0
			for _, x := range made {
				if strings.Contains(first.body, x.TrackingCode) != strings.Contains(second.body, x.TrackingCode) {
					seen++
				}
			}
			if seen != 60 {
				t.Fatalf("%d complaints on exactly one of the two pages, want 60", seen)
			}
			back := tc.query
			back.Del("offset")
			back.Set("before", "50")
			if again := e.searchPage(t, c, back, nil); resultRows(again.body) != 50 || strings.Contains(again.body, `rel="prev"`) {
				t.Fatal("Previous does not give the first page back")
			}
		})
	}
}

func TestComplaintExcelExport(t *testing.T) {
	e := newEnv(t)
	requireRoute(t, e, "/complaints/export.xlsx")
	formula := "=HYPERLINK(\"http://evil.example\",\"click\")"
	arabic := "انتظرت أربع ساعات في قسم الطوارئ"
	link := e.createWith(e.hospA, complaints.Input{Description: formula})
	ar := e.createWith(e.hospA, complaints.Input{Title: "تأخير", Description: arabic})
	e.createWith(e.hospB, complaints.Input{Description: "Complaint at hospital B."})
	c := e.login(app.RoleHospitalAdmin)

	r := e.get(c, "/complaints/export.xlsx?status=open")
	if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(r.header.Get("Content-Disposition"), `filename="complaints-`+time.Now().Format("20060102")+`.xlsx"`) {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Complaints")
	if err != nil {
		t.Fatal(err)
	}
	csv := e.get(c, "/complaints/export.csv?status=open")
	csvLines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv.body, "\ufeff")), "\n")
	if strings.Join(rows[0], ",") != csvLines[0] {
		t.Fatalf("header %v, want the CSV's %s", rows[0], csvLines[0])
	}
	if len(rows) != 3 || len(csvLines) != 3 {
		t.Fatalf("%d rows, CSV %d lines (want the header and hospital A's two complaints)", len(rows), len(csvLines))
	}
	if style, err := x.GetCellStyle("Complaints", "A1"); err != nil {
		t.Fatal(err)
	} else if st, err := x.GetStyle(style); err != nil || st.Font == nil || !st.Font.Bold {
		t.Error("the header row is not bold")
	}
	col := func(name string) int { return slices.Index(rows[0], name) + 1 }
	cell := func(name string, row int) string {
		ref, _ := excelize.CoordinatesToCellName(col(name), row)
		return ref
	}
	rowOf := map[string]int{}
	for i, row := range rows[1:] {
		rowOf[row[0]] = i + 2
	}
	if v, _ := x.GetCellValue("Complaints", cell("description", rowOf[ar.TrackingCode])); v != arabic {
		t.Errorf("Arabic description %q, want %q", v, arabic)
	}
	linkCell := cell("description", rowOf[link.TrackingCode])
	v, _ := x.GetCellValue("Complaints", linkCell)
	f, _ := x.GetCellFormula("Complaints", linkCell)
	typ, _ := x.GetCellType("Complaints", linkCell)
	if v != formula || f != "" || typ != excelize.CellTypeInlineString {
		t.Errorf("formula-like description: value %q, formula %q, type %v; want the text as a string cell", v, f, typ)
	}
	created := cell("created_at", rowOf[ar.TrackingCode])
	raw, _ := x.GetCellValue("Complaints", created, excelize.Options{RawCellValue: true})
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("created_at %q is not an Excel date", raw)
	}
	got, _ := excelize.ExcelDateToTime(serial, false) // the wall clock, as UTC
	local := ar.CreatedAt.In(mustZone(t, e.hospA.TimeZone))
	want := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
	if d := got.Sub(want); d > time.Second || d < -time.Second {
		t.Errorf("created_at is %v, want %v (the hospital's wall clock)", got, want)
	}
	if shown, _ := x.GetCellValue("Complaints", created); !strings.HasPrefix(shown, local.Format("2006-01-02 ")) {
		t.Errorf("created_at is shown as %q", shown)
	}
	// A filter narrows the workbook as it narrows the list.
	r = e.get(c, "/complaints/export.xlsx?"+url.Values{"q": {ar.TrackingCode}}.Encode())
	if x2, err := excelize.OpenReader(bytes.NewReader([]byte(r.body))); err != nil {
		t.Fatal(err)
	} else if rows, _ := x2.GetRows("Complaints"); len(rows) != 2 || rows[1][0] != ar.TrackingCode {
		t.Fatalf("filtered workbook: %v", rows)
	}

	a, err := e.store().ListAudit(context.Background(), store.AuditFilter{Scope: everyHospital, Action: "complaint.export"})
	if err != nil {
		t.Fatal(err)
	}
	xlsx := 0
	for _, entry := range a.Items {
		if strings.Contains(entry.Summary, `"format":"xlsx"`) {
			xlsx++
		}
	}
	if xlsx != 2 {
		t.Fatalf("%d xlsx export audit rows, want 2 (of %d exports)", xlsx, len(a.Items))
	}
	for _, role := range []app.Role{app.RoleViewer, app.RoleStaff} {
		if r := e.get(e.login(role), "/complaints/export.xlsx"); r.status != 403 {
			t.Fatalf("%s export: %d", role, r.status)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
