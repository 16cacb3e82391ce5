package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"px360/app"
	"px360/app/his"
	"px360/app/hl7"
	"px360/views"
)

// hisRoutes registers the HIS integration API, the integrations admin, the message log
// and the journey screens.
func (s *Server) hisRoutes() {
	// The HIS itself: authenticated by the integration's API key, not by a user.
	s.public("POST /api/v1/integrations/events", s.apiHISEvents)
	s.public("POST /api/v1/integrations/hl7", s.apiHISHL7)
	s.api("GET /api/v1/visits", app.PermPatientView, s.apiVisits)

	s.page("GET /admin/integrations", app.PermSystemManage, s.integrationList)
	s.page("GET /admin/integrations/new", app.PermSystemManage, s.integrationNew)
	s.page("POST /admin/integrations", app.PermSystemManage, s.integrationSave)
	s.page("GET /admin/integrations/{id}", app.PermSystemManage, s.integrationEdit)
	s.page("POST /admin/integrations/{id}", app.PermSystemManage, s.integrationSave)
	s.page("POST /admin/integrations/{id}/rotate", app.PermSystemManage, s.integrationRotate)
	s.page("GET /admin/integrations/messages", app.PermSystemManage, s.hisMessageList)
	s.page("GET /admin/integrations/messages/{id}", app.PermSystemManage, s.hisMessage)
	s.page("POST /admin/integrations/messages/{id}/reprocess", app.PermSystemManage, s.hisReprocess)

	s.page("GET /admin/journeys", app.PermSurveyManage, s.journeyList)
	s.page("GET /admin/journeys/new", app.PermSurveyManage, s.journeyNew)
	s.page("POST /admin/journeys", app.PermSurveyManage, s.journeySave)
	s.page("GET /admin/journeys/{id}", app.PermSurveyManage, s.journeyEdit)
	s.page("POST /admin/journeys/{id}", app.PermSurveyManage, s.journeySave)

	s.page("GET /admin/patients/{id}/visits", app.PermPatientView, s.patientVisits)
}

// integrationKey reads the API key an HIS sends: "Authorization: Bearer <key>" or
// "X-API-Key: <key>".
func integrationKey(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("X-API-Key")); k != "" {
		return k
	}
	if k, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(k)
	}
	return ""
}

// integrationFor authenticates the calling HIS and checks it speaks kind; when ok is
// false the request has been answered (401, 403) and nothing was stored.
func (s *Server) integrationFor(w http.ResponseWriter, r *http.Request, kind app.IntegrationKind) (app.Integration, bool) {
	in, err := s.his.Authenticate(r.Context(), integrationKey(r))
	switch {
	case errors.Is(err, app.ErrNotFound):
		w.Header().Set("WWW-Authenticate", `Bearer realm="px360-integrations"`)
		s.jsonError(w, r, &app.Error{Code: app.EUnauthorized, Message: "err.integration_key"})
		return in, false
	case err != nil:
		s.jsonError(w, r, err)
		return in, false
	case in.Kind != kind:
		msg := "err.integration_not_json"
		if kind == app.IntegrationHL7 {
			msg = "err.integration_not_hl7"
		}
		s.jsonError(w, r, &app.Error{Code: app.EForbidden, Message: msg})
		return in, false
	}
	return in, true
}

// apiHISEventsAnswer is the answer to a JSON batch: one result per event, by index.
type apiHISEventsAnswer struct {
	Results    []his.EventResult `json:"results"`
	Accepted   int               `json:"accepted"`
	Duplicates int               `json:"duplicates"`
	Errors     int               `json:"errors"`
}

// apiHISEvents receives a batch of JSON events: {"events": [...]}. Every event is stored
// (bad ones with their error) and answered by index; a body that is not a batch is 400.
func (s *Server) apiHISEvents(w http.ResponseWriter, r *http.Request) {
	in, ok := s.integrationFor(w, r, app.IntegrationJSON)
	if !ok {
		return
	}
	results, err := s.his.ReceiveJSON(r.Context(), in, http.MaxBytesReader(w, r.Body, his.MaxBatchBytes+1))
	var bad *his.ErrBadBatch
	switch {
	case errors.As(err, &bad):
		lang := langFrom(r)
		s.writeJSON(w, http.StatusBadRequest, apiError(lang, &app.Error{Code: app.EInvalid, Message: views.T(lang, "err.bad_batch", bad.Reason)}))
		return
	case err != nil:
		s.jsonError(w, r, err)
		return
	}
	out := apiHISEventsAnswer{Results: results}
	for _, x := range results {
		switch x.Status {
		case "accepted":
			out.Accepted++
		case "duplicate":
			out.Duplicates++
		default:
			out.Errors++
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// hl7ContentType is the media type of HL7 v2 in its pipe-delimited (ER7) encoding.
const hl7ContentType = "x-application/hl7-v2+er7; charset=utf-8"

// apiHISHL7 receives one HL7 v2 message over HTTP and answers with its ACK (AA, AE or
// AR in MSA-1). A message over the size limit is kept cut short and rejected.
func (s *Server) apiHISHL7(w http.ResponseWriter, r *http.Request) {
	in, ok := s.integrationFor(w, r, app.IntegrationHL7)
	if !ok {
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, hl7.MaxMessageBytes+1))
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); err != nil && !tooBig {
		s.writeJSON(w, http.StatusBadRequest, apiError(langFrom(r), &app.Error{Code: app.EInvalid, Message: "err.body_unreadable"}))
		return
	}
	ack := s.his.ReceiveHL7(r.Context(), in, raw)
	w.Header().Set("Content-Type", hl7ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(ack)
}

// The JSON shape of a patient's visits: no national IDs, no names beyond the MRN asked for.
type (
	apiVisit struct {
		Number       string         `json:"number"`
		Hospital     string         `json:"hospital"`
		PatientClass string         `json:"patient_class"`
		State        string         `json:"state"`
		DepartmentID int64          `json:"department_id,omitempty"`
		Location     string         `json:"location"`
		Doctor       string         `json:"doctor"`
		AdmitAt      *time.Time     `json:"admit_at,omitempty"`
		DischargeAt  *time.Time     `json:"discharge_at,omitempty"`
		LastEvent    string         `json:"last_event"`
		LastEventAt  *time.Time     `json:"last_event_at,omitempty"`
		Events       []apiVisitStep `json:"events"`
		Journey      *apiJourney    `json:"journey"`
	}
	apiVisitStep struct {
		Event      string    `json:"event"`
		OccurredAt time.Time `json:"occurred_at"`
	}
	apiJourney struct {
		Code     string             `json:"code"`
		NameEN   string             `json:"name_en"`
		NameAR   string             `json:"name_ar"`
		Status   string             `json:"status"`
		Progress int                `json:"progress"`
		Stages   []apiJourneyStage  `json:"stages"`
		Surveys  []apiJourneySurvey `json:"surveys"`
	}
	apiJourneyStage struct {
		Code         string     `json:"code"`
		NameEN       string     `json:"name_en"`
		NameAR       string     `json:"name_ar"`
		TriggerEvent string     `json:"trigger_event"`
		CompletedAt  *time.Time `json:"completed_at"`
	}
	apiJourneySurvey struct {
		Stage  string    `json:"stage"`
		DueAt  time.Time `json:"due_at"`
		Status string    `json:"status"`
		Reason string    `json:"reason,omitempty"`
	}
)

func visitJSON(v his.VisitView) apiVisit {
	out := apiVisit{Number: v.Visit.Number, Hospital: v.Hospital.Code, PatientClass: v.Visit.PatientClass, State: v.Visit.State(),
		DepartmentID: v.Visit.DepartmentID, Location: v.Visit.Location, Doctor: v.Visit.Doctor, AdmitAt: timePtr(v.Visit.AdmitAt),
		DischargeAt: timePtr(v.Visit.DischargeAt), LastEvent: v.Visit.LastEvent, LastEventAt: timePtr(v.Visit.LastEventAt),
		Events: make([]apiVisitStep, 0, len(v.Events))}
	for _, e := range v.Events {
		out.Events = append(out.Events, apiVisitStep{Event: e.Event, OccurredAt: e.OccurredAt.UTC()})
	}
	if j := v.Journey; j != nil {
		aj := &apiJourney{Code: j.Template.Code, NameEN: j.Template.NameEN, NameAR: j.Template.NameAR, Status: j.Instance.Status,
			Progress: j.Progress, Stages: make([]apiJourneyStage, 0, len(j.Template.Stages)), Surveys: make([]apiJourneySurvey, 0, len(j.Surveys))}
		codes := map[int64]string{}
		for _, st := range j.Template.Stages {
			codes[st.ID] = st.Code
			var done *time.Time
			if at, ok := j.Instance.Completed[st.ID]; ok {
				done = timePtr(at)
			}
			aj.Stages = append(aj.Stages, apiJourneyStage{Code: st.Code, NameEN: st.NameEN, NameAR: st.NameAR, TriggerEvent: st.TriggerEvent, CompletedAt: done})
		}
		for _, sv := range j.Surveys {
			aj.Surveys = append(aj.Surveys, apiJourneySurvey{Stage: codes[sv.StageID], DueAt: sv.DueAt.UTC(), Status: sv.Status, Reason: sv.Reason})
		}
		out.Journey = aj
	}
	return out
}

// apiVisits lists the visits of the patients with ?mrn= in the caller's hospitals, with
// their events and journeys.
func (s *Server) apiVisits(w http.ResponseWriter, r *http.Request) {
	mrn := strings.TrimSpace(r.URL.Query().Get("mrn"))
	if mrn == "" {
		s.writeJSON(w, http.StatusBadRequest, apiError(langFrom(r), app.FieldErrors{"mrn": "err.required"}.Err()))
		return
	}
	vs, err := s.his.Visits(r.Context(), principal(r), mrn)
	if app.ErrorCode(err) == app.EInvalid {
		s.writeJSON(w, http.StatusBadRequest, apiError(langFrom(r), err))
		return
	}
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	items := make([]apiVisit, 0, len(vs))
	for _, v := range vs {
		items = append(items, visitJSON(v))
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": items})
}
