package analysis_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"px360/app"
	"px360/app/analysis"
	"px360/app/vault"
	"px360/store"
)

type fixture struct {
	ctx context.Context
	st  *store.Store
	svc *analysis.Service
	id  int64
}

// the complaint's text carries a phone number, an MRN and a national ID.
const complaintText = "Rude reception. The nurse shouted at my father, MRN 100245871, national ID 1087654321; call me on 0501234567"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	v, _ := vault.Open(filepath.Join(dir, "keys"))
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{ctx: ctx, st: st, svc: analysis.New(st, v, nil)}
	err = st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, _ := tx.EnsureOrganization(ctx, "G", "G")
		h := app.Hospital{OrganizationID: org, Code: "RCH", NameEN: "R", NameAR: "ر", TimeZone: "Asia/Riyadh", Active: true}
		if err := tx.SaveHospital(ctx, &h); err != nil {
			return err
		}
		c := app.Complaint{HospitalID: h.ID, Type: app.TypeComplaint, Status: app.StatusOpen, Severity: app.SeverityMedium,
			Priority: app.PriorityMedium, SourceCode: "patient", Title: "Rude reception", Description: complaintText,
			PreferredLanguage: "en", TrackingCode: app.NewTrackingCode()}
		if err := tx.InsertComplaint(ctx, &c, store.ComplaintSLA{Rule: app.SLARule{Hours: 24}, Start: tx.Now()}, time.Time{}); err != nil {
			return err
		}
		f.id = c.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fakeModel is a chat-completions server on 127.0.0.1 that records what it was sent.
type fakeModel struct {
	mu     sync.Mutex
	bodies []string
	reply  func(w http.ResponseWriter)
}

func (m *fakeModel) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		m.mu.Lock()
		m.bodies = append(m.bodies, string(b))
		m.mu.Unlock()
		m.reply(w)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1/chat/completions"
}

func (f *fixture) enable(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	if err := f.svc.SaveLLM(f.ctx, app.System, analysis.LLMConfig{Enabled: true, URL: url, Model: "local-model", Key: "k-123",
		Timeout: timeout}); err != nil {
		t.Fatal(err)
	}
}

func TestLexiconAnalysisIsStored(t *testing.T) {
	f := newFixture(t)
	if err := f.svc.AnalyzeRecord(f.ctx, "complaint", f.id); err != nil {
		t.Fatal(err)
	}
	a, ok, err := f.svc.Analysis(f.ctx, app.System, "complaint", f.id)
	if err != nil || !ok || a.Label != "negative" || a.Engine != "lexicon" || a.Lang != "en" {
		t.Fatalf("%+v %v %v", a, ok, err)
	}
	if _, ok, _ := f.svc.Analysis(f.ctx, app.Principal{Scope: app.Scope{HospitalIDs: []int64{99}}}, "complaint", f.id); ok {
		t.Fatal("another hospital's user saw the analysis")
	}
}

func TestModelGetsNoIdentifiersAndItsAnswerIsKept(t *testing.T) {
	f := newFixture(t)
	m := &fakeModel{reply: func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"{\"label\":\"negative\",\"summary\":\"A relative was shouted at by a nurse.\",\"suggested_action\":\"Coach reception staff on courtesy.\"}"}}]}`)
	}}
	f.enable(t, m.start(t), 5*time.Second)
	if err := f.svc.AnalyzeRecord(f.ctx, "complaint", f.id); err != nil {
		t.Fatal(err)
	}
	if len(m.bodies) != 1 {
		t.Fatalf("%d requests", len(m.bodies))
	}
	for _, secret := range []string{"0501234567", "100245871", "1087654321"} {
		if strings.Contains(m.bodies[0], secret) {
			t.Errorf("the model was sent %s: %s", secret, m.bodies[0])
		}
	}
	var req struct {
		Model string `json:"model"`
	}
	json.Unmarshal([]byte(m.bodies[0]), &req)
	if req.Model != "local-model" {
		t.Errorf("model %q", req.Model)
	}
	a, _, _ := f.svc.Analysis(f.ctx, app.System, "complaint", f.id)
	if a.Summary == "" || !strings.Contains(a.Suggestion, "courtesy") {
		t.Fatalf("the model's summary and suggestion: %+v", a)
	}
	var logged int
	f.st.R.QueryRow(`select count(*) from llm_log where record_type = 'complaint' and response != '' and prompt not like '%0501234567%'`).Scan(&logged)
	if logged != 1 {
		t.Fatal("the exchange is not in the log")
	}
}

func TestModelFailuresFallBackToTheLexicon(t *testing.T) {
	for name, reply := range map[string]func(w http.ResponseWriter){
		"server error": func(w http.ResponseWriter) { http.Error(w, "overloaded", http.StatusInternalServerError) },
		"timeout":      func(w http.ResponseWriter) { time.Sleep(1500 * time.Millisecond) },
		"not json": func(w http.ResponseWriter) {
			io.WriteString(w, `{"choices":[{"message":{"content":"I think it is bad"}}]}`)
		},
		"bad label": func(w http.ResponseWriter) {
			io.WriteString(w, `{"choices":[{"message":{"content":"{\"label\":\"angry\"}"}}]}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			m := &fakeModel{reply: reply}
			f.enable(t, m.start(t), time.Second)
			if err := f.svc.AnalyzeRecord(f.ctx, "complaint", f.id); err != nil {
				t.Fatal(err)
			}
			a, ok, _ := f.svc.Analysis(f.ctx, app.System, "complaint", f.id)
			if !ok || a.Label != "negative" || a.Engine != "lexicon" || a.Summary != "" {
				t.Fatalf("fallback: %+v", a)
			}
			var errs int
			f.st.R.QueryRow(`select count(*) from llm_log where error != ''`).Scan(&errs)
			if errs != 1 {
				t.Fatal("the failure is not logged")
			}
		})
	}
}

func TestLLMSettingsKeepTheKeySecret(t *testing.T) {
	f := newFixture(t)
	f.enable(t, "http://127.0.0.1:1/v1/chat/completions", 10*time.Second)
	var raw string
	f.st.R.QueryRow(`select value from settings where key = 'analysis.llm'`).Scan(&raw)
	if strings.Contains(raw, "k-123") {
		t.Fatal("the key is stored in clear")
	}
	if err := f.svc.SaveLLM(f.ctx, app.System, analysis.LLMConfig{Enabled: true, URL: "http://127.0.0.1:1/x", Model: "m", Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if cfg, _ := f.svc.LLM(f.ctx); cfg.Key != "k-123" {
		t.Fatalf("an empty key should keep the stored one: %q", cfg.Key)
	}
	if err := f.svc.SaveLLM(f.ctx, app.System, analysis.LLMConfig{Enabled: true, URL: "ftp://x", Timeout: 0}); app.Fields(err)["url"] == "" {
		t.Fatalf("bad settings: %v", err)
	}
	if err := f.svc.SaveLLM(f.ctx, app.Principal{Role: app.RoleViewer}, analysis.LLMConfig{}); err == nil {
		t.Fatal("a viewer changed the model settings")
	}
}
