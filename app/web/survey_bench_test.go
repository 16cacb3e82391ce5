package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkSurveyPage renders GET /s/{token} through the whole handler (middleware,
// session, look-up by token hash, template, rendering) for 50 patients in parallel.
// The target is 1,000 renders/s on a 2-core machine.
func BenchmarkSurveyPage(b *testing.B) {
	e := takeEnv(newEnv(b))
	tmpl := e.takeTemplate("Inpatient experience")
	tokens := make([]string, 50)
	for i := range tokens {
		_, tokens[i] = e.takeInvite(tmpl.ID, "ar")
	}
	h := e.a.Web.Handler()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/s/"+tokens[n.Add(1)%int64(len(tokens))], nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "renders/s")
}

// BenchmarkSurveySubmit submits one single-page survey (the outpatient visit) per
// iteration: POST /s/{token} with every answer, scoring, the response, its counters and
// events in one transaction, and the redirect. Invitations are made before the timer.
// The target is 300 submissions/s on a 2-core machine.
func BenchmarkSurveySubmit(b *testing.B) {
	e := takeEnv(newEnv(b))
	tmpl := e.takeTemplate("Outpatient visit")
	tokens := make([]string, b.N)
	for i := range tokens {
		_, tokens[i] = e.takeInvite(tmpl.ID, "ar")
	}
	form := takeAnswers(tmpl.Def.Sections[0], "4")
	form.Set("page", "0")
	form.Set("action", "next")
	body := form.Encode()
	h := e.a.Web.Handler()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			token := tokens[n.Add(1)-1]
			req := httptest.NewRequest("POST", "/s/"+token, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusSeeOther {
				b.Errorf("status %d: %.300s", w.Code, w.Body.String())
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
	var responses int
	e.a.Store.R.QueryRow(`select count(*) from survey_responses where template_id = ?`, tmpl.ID).Scan(&responses)
	if responses < b.N {
		b.Errorf("%d responses after %d submissions", responses, b.N)
	}
}
