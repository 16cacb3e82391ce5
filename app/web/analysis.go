package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/analysis"
	"px360/views"
)

// analysisRoutes registers the insights page and the language-model settings; the
// complaint page shows each complaint's analysis through analysisPart.
func (s *Server) analysisRoutes() {
	s.page("GET /insights", app.PermDashboard, s.insightsPage)
	s.page("GET /admin/analysis", app.PermSystemManage, s.llmPage)
	s.page("POST /admin/analysis", app.PermSystemManage, s.llmSave)
}

// analysisPart shows a complaint's text analysis beside the record.
func (s *Server) analysisPart(r *http.Request, c app.Complaint) (main, side []g.Node, err error) {
	if s.analysis == nil {
		return nil, nil, nil
	}
	a, ok, err := s.analysis.Analysis(r.Context(), principal(r), "complaint", c.ID)
	if err != nil || !ok {
		return nil, nil, err
	}
	return nil, []g.Node{views.AnalysisCard(s.frame(r), a)}, nil
}

func (s *Server) insightsPage(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	var ids []int64
	if !by.Scope.All {
		ids = append([]int64{}, by.Scope.HospitalIDs...)
	}
	counts, err := s.st.SentimentCounts(r.Context(), ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.InsightsPage(s.frame(r), counts))
}

func (s *Server) llmPage(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.analysis.LLM(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.LLMPage(s.frame(r), llmForm(cfg), cfg.Key != ""))
}

func llmForm(cfg analysis.LLMConfig) views.Form {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	f := views.Form{Values: map[string][]string{"url": {cfg.URL}, "model": {cfg.Model},
		"timeout": {strconv.Itoa(int(timeout.Seconds()))}}}
	if cfg.Enabled {
		f.Values["enabled"] = []string{"on"}
	}
	return f
}

func (s *Server) llmSave(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	secs, err := strconv.Atoi(strings.TrimSpace(form.Get("timeout")))
	if err != nil {
		secs = 0
	}
	cfg := analysis.LLMConfig{Enabled: form.Get("enabled") != "", URL: form.Get("url"), Model: form.Get("model"),
		Key: strings.TrimSpace(form.Get("key")), Timeout: time.Duration(secs) * time.Second}
	err = s.analysis.SaveLLM(r.Context(), principal(r), cfg)
	switch {
	case formError(err):
		cur, _ := s.analysis.LLM(r.Context())
		s.render(w, r, http.StatusUnprocessableEntity, views.LLMPage(s.frame(r), views.Form{Values: form, Errors: app.Fields(err)}, cur.Key != ""))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/admin/analysis", http.StatusSeeOther)
	}
}
