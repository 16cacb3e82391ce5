package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/store"
	"px360/views"
)

// The JSON shapes of the complaint API: hospitals and departments by code (with their ids).
type (
	apiComplaintInput struct {
		Hospital          string `json:"hospital"`
		Department        string `json:"department"`
		Type              string `json:"type"`
		Severity          string `json:"severity"`
		Priority          string `json:"priority"`
		Source            string `json:"source"`
		Title             string `json:"title"`
		Description       string `json:"description"`
		ContactName       string `json:"contact_name"`
		ContactPhone      string `json:"contact_phone"`
		ContactEmail      string `json:"contact_email"`
		PreferredLanguage string `json:"preferred_language"`
		EncounterID       string `json:"encounter_id"`
		PatientMRN        string `json:"patient_mrn"`
		StaffInvolved     string `json:"staff_involved"` // employee number
		CategoryID        int64  `json:"category_id"`    // a taxonomy node (GET /api/v1/taxonomy)
		MOHRef            string `json:"moh_ref"`
		CHIRef            string `json:"chi_ref"`
	}
	apiComplaintCreated struct {
		ID           int64      `json:"id"`
		Status       string     `json:"status"`
		TrackingCode string     `json:"tracking_code"`
		DueAt        *time.Time `json:"due_at"`
	}
	apiComplaintBody struct {
		ID                int64              `json:"id"`
		TrackingCode      string             `json:"tracking_code"`
		Hospital          string             `json:"hospital"`
		HospitalID        int64              `json:"hospital_id"`
		Department        string             `json:"department,omitempty"`
		DepartmentID      int64              `json:"department_id,omitempty"`
		AssigneeStaffID   int64              `json:"assignee_staff_id,omitempty"`
		StaffInvolvedID   int64              `json:"staff_involved_id,omitempty"`
		PatientID         int64              `json:"patient_id,omitempty"`
		Type              string             `json:"type"`
		Status            string             `json:"status"`
		Severity          string             `json:"severity"`
		Priority          string             `json:"priority"`
		Source            string             `json:"source"`
		Title             string             `json:"title"`
		Description       string             `json:"description"`
		ContactName       string             `json:"contact_name"`
		ContactPhone      string             `json:"contact_phone"`
		ContactEmail      string             `json:"contact_email"`
		PreferredLanguage string             `json:"preferred_language"`
		EncounterID       string             `json:"encounter_id"`
		Resolution        string             `json:"resolution,omitempty"`
		HoldReason        string             `json:"hold_reason,omitempty"`
		DueAt             *time.Time         `json:"due_at,omitempty"`
		Breached          bool               `json:"breached"`
		SLAState          string             `json:"sla_state,omitempty"`
		CreatedAt         time.Time          `json:"created_at"`
		UpdatedAt         time.Time          `json:"updated_at"`
		ResolvedAt        *time.Time         `json:"resolved_at,omitempty"`
		ClosedAt          *time.Time         `json:"closed_at,omitempty"`
		Timeline          []apiTimelineEntry `json:"timeline,omitempty"`
		MOHRef            string             `json:"moh_ref,omitempty"`
		CHIRef            string             `json:"chi_ref,omitempty"`
	}
	apiTimelineEntry struct {
		At         time.Time `json:"at"`
		Actor      string    `json:"actor"`
		Kind       string    `json:"kind"`
		FromStatus string    `json:"from_status,omitempty"`
		ToStatus   string    `json:"to_status,omitempty"`
		Note       string    `json:"note,omitempty"`
		Public     bool      `json:"public"`
	}
	apiTransition struct {
		To         string `json:"to"`
		Note       string `json:"note"`
		Public     bool   `json:"public"`
		Resolution string `json:"resolution"`
		HoldReason string `json:"hold_reason"`
	}
	apiTrackUpdate struct {
		At     time.Time `json:"at"`
		Kind   string    `json:"kind"`
		Status string    `json:"status,omitempty"`
		Note   string    `json:"note,omitempty"`
	}
	apiTracked struct {
		TrackingCode string           `json:"tracking_code"`
		Status       string           `json:"status"`
		StatusLabel  string           `json:"status_label"`
		CreatedAt    time.Time        `json:"created_at"`
		Updates      []apiTrackUpdate `json:"updates"`
	}
)

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// orgCodes maps the hospitals and departments in scope to their codes.
type orgCodes struct{ hospitals, departments map[int64]string }

func (s *Server) orgCodes(ctx context.Context, scope app.Scope) (orgCodes, error) {
	oc := orgCodes{map[int64]string{}, map[int64]string{}}
	hs, err := s.st.Hospitals(ctx, scope)
	if err != nil {
		return oc, err
	}
	for _, h := range hs {
		oc.hospitals[h.ID] = h.Code
	}
	ds, err := s.st.Departments(ctx, scope)
	for _, d := range ds {
		oc.departments[d.ID] = d.Code
	}
	return oc, err
}

func (oc orgCodes) complaintJSON(c app.Complaint) apiComplaintBody {
	return apiComplaintBody{ID: c.ID, TrackingCode: c.TrackingCode, Hospital: oc.hospitals[c.HospitalID], HospitalID: c.HospitalID,
		Department: oc.departments[c.DepartmentID], DepartmentID: c.DepartmentID, AssigneeStaffID: c.AssigneeStaffID,
		StaffInvolvedID: c.StaffInvolvedID, PatientID: c.PatientID, Type: string(c.Type), Status: string(c.Status),
		Severity: string(c.Severity), Priority: string(c.Priority), Source: c.SourceCode, Title: c.Title, Description: c.Description,
		ContactName: c.ContactName, ContactPhone: c.ContactPhone, ContactEmail: c.ContactEmail, PreferredLanguage: c.PreferredLanguage,
		EncounterID: c.EncounterID, Resolution: string(c.Resolution), HoldReason: string(c.HoldReason), DueAt: timePtr(c.DueAt),
		Breached: c.Breached, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), ResolvedAt: timePtr(c.ResolvedAt),
		ClosedAt: timePtr(c.ClosedAt)}
}

// apiComplaintCreate records a complaint; hospital and department are given by code.
func (s *Server) apiComplaintCreate(w http.ResponseWriter, r *http.Request) {
	var in apiComplaintInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	ctx, by := r.Context(), principal(r)
	fe := app.FieldErrors{}
	var hospitalID, departmentID int64
	if code := strings.TrimSpace(in.Hospital); code == "" {
		fe.Add("hospital", "err.required")
	} else if h, err := s.st.HospitalByCode(ctx, by.Scope, code); err == nil {
		hospitalID = h.ID
	} else {
		fe.Add("hospital", "err.hospital_not_allowed")
	}
	if code := strings.TrimSpace(in.Department); code != "" && hospitalID != 0 {
		if d, err := s.st.DepartmentByCode(ctx, hospitalID, code); err == nil {
			departmentID = d.ID
		} else {
			fe.Add("department", "err.department_unknown")
		}
	}
	staffID, err := s.staffByNumber(ctx, principal(r).Scope, hospitalID, in.StaffInvolved, "staff_involved", fe)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	var c app.Complaint
	err = submit(fe, func() (err error) {
		c, err = s.compl.Create(ctx, by, complaints.Input{Type: app.ComplaintType(in.Type), HospitalID: hospitalID,
			DepartmentID: departmentID, StaffInvolvedID: staffID, PatientMRN: in.PatientMRN, EncounterID: in.EncounterID,
			CategoryID: in.CategoryID,
			Severity:   app.Severity(in.Severity), Priority: app.Priority(in.Priority), SourceCode: in.Source, Title: in.Title,
			Description: in.Description, ContactName: in.ContactName, ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail,
			PreferredLanguage: in.PreferredLanguage, MOHRef: in.MOHRef, CHIRef: in.CHIRef})
		return err
	})
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, apiComplaintCreated{ID: c.ID, Status: string(c.Status), TrackingCode: c.TrackingCode,
		DueAt: timePtr(c.DueAt)})
}

// apiComplaintList lists complaints: ?hospital=CODE&status=a,b&severity=&cursor=&limit=.
func (s *Server) apiComplaintList(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	q := r.URL.Query()
	fe := app.FieldErrors{}
	var f store.ComplaintFilter
	if code := strings.TrimSpace(q.Get("hospital")); code != "" {
		if h, err := s.st.HospitalByCode(ctx, by.Scope, code); err == nil {
			f.HospitalID = h.ID
		} else {
			fe.Add("hospital", "err.hospital_not_allowed")
		}
	}
	for _, v := range q["status"] {
		for _, part := range strings.Split(v, ",") {
			if st := app.ComplaintStatus(strings.TrimSpace(part)); st.Valid() {
				f.Statuses = append(f.Statuses, st)
			} else if part != "" {
				fe.Add("status", "err.choose_option")
			}
		}
	}
	if v := q.Get("severity"); v != "" {
		if f.Severity = app.Severity(v); !f.Severity.Valid() {
			fe.Add("severity", "err.choose_option")
		}
	}
	cursor := func(name string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fe.Add(name, "err.number_invalid")
		}
		return n
	}
	f.After, f.Limit = cursor("cursor"), int(cursor("limit"))
	if err := fe.Err(); err != nil {
		s.jsonError(w, r, err)
		return
	}
	p, err := s.compl.List(ctx, by, f)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	oc, err := s.orgCodes(ctx, by.Scope)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, listOf(p, oc.complaintJSON))
}

// apiComplaint returns one complaint with its SLA state and full timeline.
func (s *Server) apiComplaint(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	c, err := s.compl.Get(ctx, by, pathID(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	tl, err := s.compl.Timeline(ctx, by, c.ID)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	oc, err := s.orgCodes(ctx, by.Scope)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out := oc.complaintJSON(c)
	st, _, err := s.compl.SLAState(ctx, c, time.Now())
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out.SLAState = string(st)
	refs, err := s.st.ComplaintRefs(ctx, c.ID)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out.MOHRef, out.CHIRef = refs["moh"], refs["chi"]
	out.Timeline = make([]apiTimelineEntry, 0, len(tl))
	for _, e := range tl {
		out.Timeline = append(out.Timeline, apiTimelineEntry{At: e.At.UTC(), Actor: e.ActorName, Kind: e.Kind,
			FromStatus: string(e.FromStatus), ToStatus: string(e.ToStatus), Note: e.Note, Public: e.Public})
	}
	s.writeJSON(w, http.StatusOK, out)
}

// apiComplaintMove moves a complaint: 200 with the complaint, 409 for a move the
// workflow does not allow (nothing changed), 422 for missing details.
func (s *Server) apiComplaintMove(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	if _, err := s.compl.Get(ctx, by, pathID(r)); err != nil {
		s.jsonError(w, r, err)
		return
	}
	var in apiTransition
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	c, err := s.compl.Move(ctx, by, pathID(r), complaints.Transition{To: app.ComplaintStatus(in.To), Note: in.Note,
		Public: in.Public, Resolution: app.ResolutionCategory(in.Resolution), HoldReason: app.HoldReason(in.HoldReason)})
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	oc, err := s.orgCodes(ctx, by.Scope)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, oc.complaintJSON(c))
}

// apiPublicComplaint is the public form as JSON (no sign-in, rate limited per IP):
// 201 {"tracking_code"}.
func (s *Server) apiPublicComplaint(w http.ResponseWriter, r *http.Request) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.jsonError(w, r, &app.Error{Code: app.ERateLimited, Message: "err.rate_limited"})
		return
	}
	var in publicComplaint
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	code := app.NewTrackingCode() // what a filled honeypot is told; nothing is written
	if strings.TrimSpace(in.Website) == "" {
		hs, err := s.publicHospitals(r.Context())
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		c, err := s.createPublic(r.Context(), clientIP(r), hs, in)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		code = c.TrackingCode
	} else {
		s.log.Info("public complaint honeypot filled", "request_id", requestID(r), "ip", clientIP(r))
	}
	s.writeJSON(w, http.StatusCreated, map[string]string{"tracking_code": code})
}

// apiTrack answers a tracking code with the status and public updates; unknown and
// malformed codes get the same 404. Rate limited per IP.
func (s *Server) apiTrack(w http.ResponseWriter, r *http.Request) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.jsonError(w, r, &app.Error{Code: app.ERateLimited, Message: "err.rate_limited"})
		return
	}
	t, err := s.compl.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out := apiTracked{TrackingCode: t.TrackingCode, Status: string(t.Status),
		StatusLabel: views.T(langFrom(r), "track.status."+string(t.Status)), CreatedAt: t.CreatedAt.UTC(),
		Updates: make([]apiTrackUpdate, 0, len(t.Updates))}
	for _, e := range t.Updates {
		out.Updates = append(out.Updates, apiTrackUpdate{At: e.At.UTC(), Kind: e.Kind, Status: string(e.ToStatus), Note: e.Note})
	}
	s.writeJSON(w, http.StatusOK, out)
}
