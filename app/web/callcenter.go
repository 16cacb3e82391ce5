package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/callcenter"
	"px360/store"
	"px360/views"
)

// callCenterRoutes registers the call center and staff appreciation.
func (s *Server) callCenterRoutes() {
	s.page("GET /calls", app.PermCallCenter, s.callList)
	s.page("GET /calls/new", app.PermCallCenter, s.callNew)
	s.page("POST /calls", app.PermCallCenter, s.callCreate)
	s.page("GET /calls/import", app.PermCallCenterManage, s.callImportPage)
	s.page("POST /calls/import", app.PermCallCenterManage, s.callImportUpload)
	s.page("GET /calls/performance", app.PermCallCenterManage, s.callPerformance)
	s.page("GET /calls/{id}", app.PermCallCenter, s.callPage)
	s.page("POST /calls/{id}", app.PermCallCenter, s.callUpdate)
	s.api("POST /api/v1/callcenter/interactions", app.PermCallCenter, s.apiCallCreate)
	s.appreciationRoutes()
}

// callInput reads the quick-entry and edit forms. Durations are seconds or m:ss; the
// start is a local time of the hospital (blank: now). Unreadable values are field errors.
func (s *Server) callInput(r *http.Request, v url.Values, fe app.FieldErrors) callcenter.CallInput {
	in := callcenter.CallInput{HospitalID: int64Field(v, "hospital", fe), DepartmentID: int64Field(v, "department", fe),
		Type: app.CallType(v.Get("call_type")), CallerName: v.Get("caller_name"), CallerPhone: v.Get("caller_phone"),
		PatientMRN: v.Get("patient_mrn"), AgentEmail: v.Get("agent_email"), Resolved: v.Get("resolved") == "1",
		Resolution: v.Get("resolution"), Notes: v.Get("notes")}
	for field, dst := range map[string]*int{"wait_seconds": &in.WaitSeconds, "talk_seconds": &in.TalkSeconds} {
		if raw := strings.TrimSpace(v.Get(field)); raw != "" {
			n, ok := app.ParseSeconds(raw)
			if !ok {
				fe.Add(field, "err.call_seconds_invalid")
			}
			*dst = n
		}
	}
	if raw := strings.TrimSpace(v.Get("satisfaction")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 5 {
			fe.Add("satisfaction", "err.call_rating_range")
		}
		in.Satisfaction = n
	}
	if raw := strings.TrimSpace(v.Get("started_at")); raw != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", raw, s.calls.Zone(r.Context(), in.HospitalID))
		if err != nil {
			fe.Add("started_at", "err.call_time_invalid")
		}
		in.StartedAt = t
	}
	return in
}

func (s *Server) callNew(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	v := url.Values{}
	if len(fr.Hospitals) == 1 {
		v.Set("hospital", idString(fr.Hospitals[0].ID))
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.CallForm(fr, views.Form{Values: v}, ds))
}

// callCreate saves a quick entry; "save and new" (the default, Enter) returns to a
// fresh form keeping the hospital, "save" opens the call.
func (s *Server) callCreate(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	in := s.callInput(r, form, fe)
	var c app.CallInteraction
	err := submit(fe, func() (err error) {
		c, err = s.calls.RecordCall(r.Context(), principal(r), in)
		return err
	})
	switch {
	case formError(err):
		_, ds := s.departmentsByID(r)
		s.render(w, r, http.StatusUnprocessableEntity, views.CallForm(s.frame(r), views.Form{Values: form, Errors: app.Fields(err)}, ds))
	case err != nil:
		s.fail(w, r, err)
	case form.Get("next") == "open":
		s.flash(r, "call.saved")
		http.Redirect(w, r, "/calls/"+idString(c.ID), http.StatusSeeOther)
	default:
		s.flash(r, "call.saved")
		next := "/calls/new"
		if h := form.Get("hospital"); h != "" {
			next += "?hospital=" + url.QueryEscape(h)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// callFilter reads the list filters (phone, hospital, type, department, resolved, low
// ratings, mine, from/to dates inclusive in loc) and the same filters for the pager.
func callFilter(r *http.Request, by app.Principal, loc *time.Location) (store.CallFilter, views.Filter) {
	lq, fl := listQuery(r)
	q := r.URL.Query()
	f := store.CallFilter{ListQuery: lq}
	fl.Extra = url.Values{}
	if t := app.CallType(q.Get("call_type")); t.Valid() {
		f.Type = t
		fl.Extra.Set("call_type", string(t))
	}
	if d, err := strconv.ParseInt(q.Get("department"), 10, 64); err == nil && d > 0 {
		f.DepartmentID = d
		fl.Extra.Set("department", q.Get("department"))
	}
	if v := q.Get("resolved"); v == "yes" || v == "no" {
		f.Resolved = v
		fl.Extra.Set("resolved", v)
	}
	if q.Get("low") == "1" {
		f.LowRating = true
		fl.Extra.Set("low", "1")
	}
	if q.Get("agent") == "me" && by.UserID != "" {
		f.AgentUserID = by.UserID
		fl.Extra.Set("agent", "me")
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("from"), loc); err == nil {
		f.From = t
		fl.Extra.Set("from", q.Get("from"))
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("to"), loc); err == nil {
		f.To = t.AddDate(0, 0, 1)
		fl.Extra.Set("to", q.Get("to"))
	}
	return f, fl
}

func (s *Server) callList(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	f, fl := callFilter(r, principal(r), zoneOf(fr.Hospitals))
	p, err := s.calls.ListCalls(r.Context(), principal(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.CallList(fr, p, fl, ds))
}

// callValues fills the edit form from a call.
func (s *Server) callValues(r *http.Request, c app.CallInteraction) url.Values {
	v := url.Values{"hospital": {idString(c.HospitalID)}, "department": {idString(c.DepartmentID)}, "call_type": {string(c.Type)},
		"caller_name": {c.CallerName}, "caller_phone": {c.CallerPhone}, "agent_email": {c.AgentEmail},
		"wait_seconds": {views.Duration(c.WaitSeconds)}, "talk_seconds": {views.Duration(c.TalkSeconds)},
		"resolution": {c.Resolution}, "notes": {c.Notes},
		"started_at": {views.CallStartValue(c.StartedAt, s.calls.Zone(r.Context(), c.HospitalID))}}
	if c.Resolved {
		v.Set("resolved", "1")
	}
	if c.Satisfaction != 0 {
		v.Set("satisfaction", strconv.Itoa(c.Satisfaction))
	}
	if c.PatientID != 0 {
		if p, err := s.st.PatientsByIDs(r.Context(), principal(r).Scope, []int64{c.PatientID}); err == nil {
			v.Set("patient_mrn", p[c.PatientID].MRN)
		}
	}
	return v
}

// callRecord loads what a call's page shows besides the call.
func (s *Server) callRecord(r *http.Request, c app.CallInteraction, form views.Form) views.CallRecord {
	by := principal(r)
	rec := views.CallRecord{C: c, CanEdit: s.calls.CanEdit(by, c), Form: form}
	if c.DepartmentID != 0 {
		rec.Department, _ = s.st.DepartmentByID(r.Context(), by.Scope, c.DepartmentID)
	}
	if c.PatientID != 0 {
		if ps, err := s.st.PatientsByIDs(r.Context(), by.Scope, []int64{c.PatientID}); err == nil {
			rec.Patient = ps[c.PatientID]
		}
	}
	return rec
}

func (s *Server) callPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.calls.Call(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, ds := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.CallPage(s.frame(r), s.callRecord(r, c, views.Form{Values: s.callValues(r, c)}), ds))
}

func (s *Server) callUpdate(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	old, err := s.calls.Call(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form.Set("hospital", idString(old.HospitalID))
	fe := app.FieldErrors{}
	in := s.callInput(r, form, fe)
	err = submit(fe, func() error {
		_, err := s.calls.UpdateCall(r.Context(), principal(r), id, in)
		return err
	})
	s.afterSave(w, r, err, "/calls/"+idString(id), func(fe app.FieldErrors) g.Node {
		_, ds := s.departmentsByID(r)
		return views.CallPage(s.frame(r), s.callRecord(r, old, views.Form{Values: form, Errors: fe}), ds)
	})
}

// callImportValues are the import form's defaults: the user's hospital and each field
// mapped to a column of its own name.
func callImportValues(fr views.Frame) url.Values {
	v := url.Values{}
	if len(fr.Hospitals) == 1 {
		v.Set("hospital", idString(fr.Hospitals[0].ID))
	}
	for _, c := range callcenter.CallColumns {
		v.Set("map_"+c, c)
	}
	return v
}

func (s *Server) callImportProps(r *http.Request, form views.Form) views.CallImportProps {
	imports, err := s.st.CallImports(r.Context(), principal(r).Scope, 10)
	if err != nil {
		s.log.Error("call imports", "request_id", requestID(r), "err", err)
	}
	return views.CallImportProps{Form: form, Columns: callcenter.CallColumns, Required: callcenter.RequiredCallColumns, Imports: imports}
}

func (s *Server) callImportPage(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	s.render(w, r, http.StatusOK, views.CallImport(fr, s.callImportProps(r, views.Form{Values: callImportValues(fr)})))
}

// callImportUpload imports a call file with its column mapping. A file-level problem
// imports nothing and re-renders the form (with the file's columns when the mapping
// failed); row-level problems are listed by line.
func (s *Server) callImportUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	fr := s.frame(r)
	form := views.Form{Values: url.Values{}, Errors: app.FieldErrors{}}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		form.Values = callImportValues(fr)
		form.Errors.Add("file", "err.file_required")
		s.render(w, r, http.StatusUnprocessableEntity, views.CallImport(fr, s.callImportProps(r, form)))
		return
	}
	mapping := map[string]string{}
	for _, c := range callcenter.CallColumns {
		v := r.FormValue("map_" + c)
		form.Values.Set("map_"+c, v)
		mapping[c] = v
	}
	form.Values.Set("hospital", r.FormValue("hospital"))
	hospitalID := int64Field(form.Values, "hospital", form.Errors)
	if hospitalID == 0 && len(fr.Hospitals) == 1 {
		hospitalID = fr.Hospitals[0].ID
	}
	if hospitalID == 0 {
		form.Errors.Add("hospital", "err.required")
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		form.Errors.Add("file", "err.file_required")
	} else {
		defer file.Close()
	}
	props := s.callImportProps(r, form)
	if len(form.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.CallImport(fr, props))
		return
	}
	rep, err := s.calls.ImportCalls(r.Context(), principal(r), hospitalID, header.Filename, file, mapping)
	if err != nil {
		if app.ErrorCode(err) != app.EInvalid {
			s.fail(w, r, err)
			return
		}
		props.FileHeader = rep.Header
		fields := app.Fields(err)
		if line := fields["line"]; line != "" {
			props.ErrorLine, _ = strconv.Atoi(line)
		} else {
			for k, v := range fields {
				form.Errors[k] = v
			}
		}
		if len(fields) == 0 || fields["line"] != "" {
			props.Error = app.ErrorMessage(err)
		}
		props.Form = form
		s.render(w, r, http.StatusUnprocessableEntity, views.CallImport(fr, props))
		return
	}
	res := &views.CallImportResult{Rows: rep.Rows, Good: rep.Good}
	for _, e := range rep.Errors {
		res.Errors = append(res.Errors, views.CallImportRowError{Line: e.Line, Reasons: e.Reasons})
	}
	props = s.callImportProps(r, form) // the new import is among the recent ones now
	props.Result = res
	s.render(w, r, http.StatusOK, views.CallImport(fr, props))
}

// callPerformance shows each agent's numbers for ?hospital=&from=&to= (dates in the
// hospital's time zone, both included; default: this month so far).
func (s *Server) callPerformance(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	ctx, q := r.Context(), r.URL.Query()
	form := views.Form{Values: url.Values{}, Errors: app.FieldErrors{}}
	hospitalID, _ := strconv.ParseInt(q.Get("hospital"), 10, 64)
	if hospitalID == 0 && len(fr.Hospitals) > 0 {
		hospitalID = fr.Hospitals[0].ID
	}
	form.Values.Set("hospital", idString(hospitalID))
	loc := s.calls.Zone(ctx, hospitalID)
	now := time.Now().In(loc)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := q.Get(name); v != "" {
			t, err := time.ParseInLocation(time.DateOnly, v, loc)
			if err != nil {
				form.Errors.Add(name, "err.date_invalid")
				continue
			}
			*dst = t
		}
	}
	form.Values.Set("from", from.Format(time.DateOnly))
	form.Values.Set("to", to.Format(time.DateOnly))
	props := views.CallPerformanceProps{Form: form}
	if len(form.Errors) == 0 {
		p, err := s.calls.Performance(ctx, principal(r), hospitalID, from.UTC(), to.AddDate(0, 0, 1).UTC())
		switch {
		case formError(err):
			form.Errors = app.Fields(err)
			props.Form = form
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			props.Agents, props.Total = p.Agents, p.Total
		}
	}
	status := http.StatusOK
	if len(props.Form.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, views.CallPerformance(fr, props))
}

// apiCallInput is the JSON of a new call: hospital and department by code.
type apiCallInput struct {
	Hospital     string     `json:"hospital"`
	Department   string     `json:"department"`
	CallType     string     `json:"call_type"`
	CallerName   string     `json:"caller_name"`
	CallerPhone  string     `json:"caller_phone"`
	PatientMRN   string     `json:"patient_mrn"`
	AgentEmail   string     `json:"agent_email"`
	StartedAt    *time.Time `json:"started_at"`
	WaitSeconds  int        `json:"wait_seconds"`
	TalkSeconds  int        `json:"talk_seconds"`
	Resolved     bool       `json:"resolved"`
	Resolution   string     `json:"resolution"`
	Satisfaction *int       `json:"satisfaction"`
	Notes        string     `json:"notes"`
}

// apiCallCreate records a call: 201 {"id": …}; a rating of 2 or less leads to one
// improvement action (through the outbox).
func (s *Server) apiCallCreate(w http.ResponseWriter, r *http.Request) {
	var in apiCallInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	ctx, by := r.Context(), principal(r)
	fe := app.FieldErrors{}
	call := callcenter.CallInput{Type: app.CallType(strings.TrimSpace(in.CallType)), CallerName: in.CallerName, CallerPhone: in.CallerPhone,
		PatientMRN: in.PatientMRN, AgentEmail: in.AgentEmail, WaitSeconds: in.WaitSeconds, TalkSeconds: in.TalkSeconds,
		Resolved: in.Resolved, Resolution: in.Resolution, Notes: in.Notes}
	if code := strings.TrimSpace(in.Hospital); code == "" {
		fe.Add("hospital", "err.required")
	} else if h, err := s.st.HospitalByCode(ctx, by.Scope, code); err == nil {
		call.HospitalID = h.ID
	} else {
		fe.Add("hospital", "err.hospital_not_allowed")
	}
	if code := strings.TrimSpace(in.Department); code != "" && call.HospitalID != 0 {
		if d, err := s.st.DepartmentByCode(ctx, call.HospitalID, code); err == nil {
			call.DepartmentID = d.ID
		} else {
			fe.Add("department", "err.department_unknown")
		}
	}
	if in.Satisfaction != nil {
		if *in.Satisfaction < 1 || *in.Satisfaction > 5 {
			fe.Add("satisfaction", "err.call_rating_range")
		}
		call.Satisfaction = *in.Satisfaction
	}
	if in.StartedAt != nil {
		call.StartedAt = *in.StartedAt
	}
	if call.Type == "" {
		fe.Add("call_type", "err.required")
	}
	var c app.CallInteraction
	err := submit(fe, func() (err error) {
		c, err = s.calls.RecordCall(ctx, by, call)
		return err
	})
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, struct {
		ID           int64 `json:"id"`
		LowRating    bool  `json:"low_rating"`
		PatientID    int64 `json:"patient_id,omitempty"`
		Satisfaction int   `json:"satisfaction,omitempty"`
	}{c.ID, c.LowRating(), c.PatientID, c.Satisfaction})
}
