package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"px360/app"
	"px360/app/his"
	"px360/store"
	"px360/views"
)

// eventMapText writes an event map as the form shows it: one "code = A03" per line.
func eventMapText(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + " = " + m[k] + "\n")
	}
	return b.String()
}

// parseEventMap reads "code = A03" lines; blank lines and lines starting with # are
// skipped. A line without "=" is a field error.
func parseEventMap(text string, fe app.FieldErrors) map[string]string {
	out := map[string]string{}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			fe.Add("event_map", "err.event_map_line")
			continue
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

// hospitalCode is the code of hospital id among hs ("" for none or unknown).
func hospitalCode(hs []app.Hospital, id int64) string {
	for _, x := range hs {
		if x.ID == id {
			return x.Code
		}
	}
	return ""
}

func integrationValues(in app.Integration, hs []app.Hospital) url.Values {
	return url.Values{"name": {in.Name}, "kind": {string(in.Kind)}, "hospital": {hospitalCode(hs, in.HospitalID)},
		"listen": {in.ListenAddr}, "event_map": {eventMapText(in.EventMap)}, "enabled": {boolString(in.Enabled)}}
}

func (s *Server) integrationList(w http.ResponseWriter, r *http.Request) {
	ins, err := s.his.Integrations(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.IntegrationList(s.frame(r), ins))
}

func (s *Server) integrationNew(w http.ResponseWriter, r *http.Request) {
	f := s.frame(r)
	s.render(w, r, http.StatusOK, views.IntegrationForm(f, app.Integration{}, views.Form{Values: url.Values{"enabled": {"1"}}}))
}

func (s *Server) integrationEdit(w http.ResponseWriter, r *http.Request) {
	in, err := s.his.Integration(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	s.render(w, r, http.StatusOK, views.IntegrationForm(f, in, views.Form{Values: integrationValues(in, f.Hospitals)}))
}

// integrationSave creates an integration (and shows its new key, once) or saves one.
func (s *Server) integrationSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	var cur app.Integration
	if id != 0 {
		var err error
		if cur, err = s.his.Integration(ctx, by, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	fe := app.FieldErrors{}
	in := his.IntegrationInput{Name: form.Get("name"), Kind: app.IntegrationKind(form.Get("kind")), HospitalCode: form.Get("hospital"),
		ListenAddr: form.Get("listen"), EventMap: parseEventMap(form.Get("event_map"), fe), Enabled: form.Get("enabled") != ""}
	if id != 0 {
		in.Kind = cur.Kind // fixed once created
	}
	var saved app.Integration
	var key string
	err := submit(fe, func() (err error) {
		saved, key, err = s.his.SaveIntegration(ctx, by, id, in, false)
		return err
	})
	switch {
	case formError(err):
		s.render(w, r, http.StatusUnprocessableEntity, views.IntegrationForm(s.frame(r), cur, views.Form{Values: form, Errors: app.Fields(err)}))
	case err != nil:
		s.fail(w, r, err)
	case id == 0:
		s.render(w, r, http.StatusOK, views.IntegrationKey(s.frame(r), saved, key, true))
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/admin/integrations", http.StatusSeeOther)
	}
}

// integrationRotate gives an integration a new API key (shown once); the old one stops
// working at once.
func (s *Server) integrationRotate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	cur, err := s.his.Integration(ctx, by, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.frame(r)
	code := ""
	if cur.HospitalID != 0 {
		h, err := s.st.HospitalByID(ctx, by.Scope, cur.HospitalID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		code = h.Code
	}
	saved, key, err := s.his.SaveIntegration(ctx, by, id, his.IntegrationInput{Name: cur.Name, Kind: cur.Kind, HospitalCode: code,
		ListenAddr: cur.ListenAddr, EventMap: cur.EventMap, Enabled: cur.Enabled}, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.IntegrationKey(f, saved, key, false))
}

// hisMessageFilter reads the message log's filters (integration, status, MRN) from the
// URL, with the same filters for the pager links.
func hisMessageFilter(r *http.Request) (app.ListQuery, store.InboundFilter, views.Filter) {
	lq, fl := listQuery(r)
	lq.Search, lq.HospitalID, fl.Search, fl.HospitalID = "", 0, "", 0
	q := r.URL.Query()
	var f store.InboundFilter
	fl.Extra = url.Values{}
	if id, err := strconv.ParseInt(q.Get("integration"), 10, 64); err == nil && id > 0 {
		f.IntegrationID = id
		fl.Extra.Set("integration", strconv.FormatInt(id, 10))
	}
	if st := app.InboundStatus(q.Get("status")); slices.Contains(app.InboundStatuses, st) {
		f.Status = st
		fl.Extra.Set("status", string(st))
	}
	if mrn := strings.TrimSpace(q.Get("mrn")); mrn != "" && len(mrn) <= 64 {
		f.MRN = mrn
		fl.Extra.Set("mrn", mrn)
	}
	return lq, f, fl
}

func (s *Server) hisMessageList(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	lq, f, fl := hisMessageFilter(r)
	p, err := s.his.Messages(ctx, by, lq, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ins, err := s.his.Integrations(ctx, by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.HISMessageList(s.frame(r), p, ins, fl))
}

// hisMessagePage renders one logged message; problem is a refusal to show above it.
func (s *Server) hisMessagePage(w http.ResponseWriter, r *http.Request, status int, id int64, problem string) {
	ctx, by := r.Context(), principal(r)
	m, err := s.his.Message(ctx, by, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := s.his.Integration(ctx, by, m.IntegrationID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, views.HISMessage(s.frame(r), m, in, problem))
}

func (s *Server) hisMessage(w http.ResponseWriter, r *http.Request) {
	s.hisMessagePage(w, r, http.StatusOK, pathID(r), "")
}

// hisReprocess puts a message that failed back in the queue.
func (s *Server) hisReprocess(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	ctx, by := r.Context(), principal(r)
	if _, err := s.his.Message(ctx, by, id); err != nil {
		s.fail(w, r, err)
		return
	}
	err := s.his.Reprocess(ctx, by, id)
	switch {
	case app.ErrorCode(err) == app.EConflict:
		s.hisMessagePage(w, r, http.StatusConflict, id, app.ErrorMessage(err))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "his.flash.reprocessed")
		http.Redirect(w, r, "/admin/integrations/messages/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}
