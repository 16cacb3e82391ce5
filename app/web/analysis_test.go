package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"px360/app"
	"px360/app/complaints"
)

func TestComplaintPageShowsItsAnalysis(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.a.Complaints.Create(ctx, app.System, complaints.Input{HospitalID: e.hospA.ID, SourceCode: "patient",
		Title: "Rude nurse", Description: "The nurse was rude and we waited three hours in the corridor.", PreferredLanguage: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.a.Analysis.AnalyzeRecord(ctx, "complaint", c.ID); err != nil {
		t.Fatal(err)
	}
	r := e.get(e.login(app.RoleHospitalAdmin), "/complaints/"+strconv.FormatInt(c.ID, 10))
	if r.status != 200 || !strings.Contains(r.body, "Text analysis") || !strings.Contains(r.body, "Negative") ||
		!strings.Contains(r.body, "Waiting time") {
		t.Fatalf("record page: %d %.2000s", r.status, r.body)
	}
	if r := e.get(e.login(app.RoleViewer), "/insights"); r.status != 200 || !strings.Contains(r.body, "Complaints") {
		t.Fatalf("insights: %d", r.status)
	}
}

func TestLanguageModelSettings(t *testing.T) {
	e := newEnv(t)
	if r := e.get(e.login(app.RoleHospitalAdmin), "/admin/analysis"); r.status != http.StatusForbidden {
		t.Fatalf("hospital admin: %d", r.status)
	}
	admin := e.login(app.RolePXAdmin)
	if r := e.get(admin, "/admin/analysis"); r.status != 200 {
		t.Fatalf("admin: %d", r.status)
	}
	r := e.post(admin, "/admin/analysis", url.Values{"enabled": {"1"}, "url": {"ftp://nope"}, "model": {"m"}, "timeout": {"20"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad url: %d", r.status)
	}
	r = e.post(admin, "/admin/analysis", url.Values{"enabled": {"1"}, "url": {"http://10.0.0.5:8000/v1/chat/completions"},
		"model": {"qwen"}, "key": {"secret-key-123"}, "timeout": {"20"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", r.status, r.body)
	}
	if r := e.get(admin, "/admin/analysis"); strings.Contains(r.body, "secret-key-123") || !strings.Contains(r.body, "qwen") {
		t.Fatal("the key is shown back, or the settings are lost")
	}
}
