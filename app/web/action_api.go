package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// The JSON shapes of the action API.
type (
	apiActionBody struct {
		ID            int64              `json:"id"`
		HospitalID    int64              `json:"hospital_id"`
		DepartmentID  int64              `json:"department_id,omitempty"`
		OwnerUserID   string             `json:"owner_user_id,omitempty"`
		OwnerRole     string             `json:"owner_role,omitempty"`
		Source        string             `json:"source"`
		SourceID      string             `json:"source_id,omitempty"`
		SignalCount   int                `json:"signal_count"`
		TitleEN       string             `json:"title_en"`
		TitleAR       string             `json:"title_ar"`
		DescriptionEN string             `json:"description_en"`
		DescriptionAR string             `json:"description_ar"`
		Category      string             `json:"category"`
		Severity      string             `json:"severity"`
		Priority      string             `json:"priority"`
		Status        string             `json:"status"`
		Moves         []string           `json:"moves"`
		DueAt         *time.Time         `json:"due_at,omitempty"`
		CreatedBy     string             `json:"created_by"`
		CreatedAt     time.Time          `json:"created_at"`
		UpdatedAt     time.Time          `json:"updated_at"`
		ClosedAt      *time.Time         `json:"closed_at,omitempty"`
		Approvals     []apiApproval      `json:"approvals,omitempty"`
		Evidence      []apiEvidence      `json:"evidence,omitempty"`
		Timeline      []apiActionHistory `json:"timeline,omitempty"`
	}
	apiApproval struct {
		Level      int        `json:"level"`
		Role       string     `json:"role"`
		DecidedBy  string     `json:"decided_by,omitempty"`
		DecidedAt  *time.Time `json:"decided_at,omitempty"`
		Approved   bool       `json:"approved"`
		Comment    string     `json:"comment,omitempty"`
		Superseded bool       `json:"superseded"`
	}
	apiEvidence struct {
		ID          int64     `json:"id"`
		Name        string    `json:"name"`
		ContentType string    `json:"content_type"`
		Size        int64     `json:"size"`
		UploadedBy  string    `json:"uploaded_by"`
		CreatedAt   time.Time `json:"created_at"`
	}
	apiActionHistory struct {
		At    time.Time `json:"at"`
		Actor string    `json:"actor"`
		Kind  string    `json:"kind"`
		From  string    `json:"from_status,omitempty"`
		To    string    `json:"to_status,omitempty"`
		Note  string    `json:"note,omitempty"`
	}
	// apiActionTransition is a move ({"to", "note"}) or an approver's decision
	// ({"action": "approve"|"reject", "comment"}).
	apiActionTransition struct {
		To      string `json:"to"`
		Note    string `json:"note"`
		Action  string `json:"action"`
		Comment string `json:"comment"`
	}
)

// actionRoutes' API half: list (keyset by cursor), one action with its approvals and
// evidence, and transitions (moves and decisions).
func (s *Server) actionAPIRoutes() {
	s.api("GET /api/v1/actions", app.PermActionView, s.apiActionList)
	s.api("GET /api/v1/actions/{id}", app.PermActionView, s.apiAction)
	s.api("POST /api/v1/actions/{id}/transitions", app.PermActionView, s.apiActionTransition)
}

func actionJSON(a app.Action) apiActionBody {
	out := apiActionBody{ID: a.ID, HospitalID: a.HospitalID, DepartmentID: a.DepartmentID, OwnerUserID: a.OwnerUserID,
		OwnerRole: string(a.OwnerRole), Source: string(a.Source), SourceID: a.SourceID, SignalCount: a.SignalCount,
		TitleEN: a.TitleEN, TitleAR: a.TitleAR, DescriptionEN: a.DescriptionEN, DescriptionAR: a.DescriptionAR, Category: a.Category,
		Severity: string(a.Severity), Priority: string(a.Priority), Status: string(a.Status), Moves: []string{},
		DueAt: timePtr(a.DueAt), CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
		ClosedAt: timePtr(a.ClosedAt)}
	for _, m := range a.Status.Moves() {
		out.Moves = append(out.Moves, string(m))
	}
	for _, p := range a.Approvals {
		out.Approvals = append(out.Approvals, apiApproval{Level: p.Level, Role: string(p.Role), DecidedBy: p.DecidedBy,
			DecidedAt: timePtr(p.DecidedAt), Approved: p.Approved, Comment: p.Comment, Superseded: p.Superseded})
	}
	return out
}

// apiActionList lists actions newest first: ?source_type=&source_id=&status=&owner=me&cursor=&limit=,
// cursor being the last id of the previous page (next_cursor of its answer).
func (s *Server) apiActionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fe := app.FieldErrors{}
	var f store.ActionFilter
	if v := q.Get("source_type"); v != "" {
		if f.Source = app.ActionSource(v); !f.Source.Valid() {
			fe.Add("source_type", "err.choose_option")
		}
	}
	f.SourceID = strings.TrimSpace(q.Get("source_id"))
	if v := q.Get("status"); v != "" {
		if f.Status = app.ActionStatus(v); !f.Status.Valid() {
			fe.Add("status", "err.choose_option")
		}
	}
	if q.Get("owner") == "me" {
		f.Owner = principal(r).UserID
	}
	lq := app.ListQuery{}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"cursor", &lq.After}, {"hospital_id", &lq.HospitalID}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				fe.Add(p.name, "err.number_invalid")
			}
			*p.dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			fe.Add("limit", "err.number_range")
		}
		lq.Limit = n
	}
	if err := fe.Err(); err != nil {
		s.jsonError(w, r, err)
		return
	}
	p, err := s.actions.List(r.Context(), principal(r), lq, f)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, listOf(p, actionJSON))
}

// actionDetailJSON is an action with its evidence (metadata only) and timeline.
func (s *Server) actionDetailJSON(r *http.Request, a app.Action) (apiActionBody, error) {
	out := actionJSON(a)
	ev, err := s.actions.Evidence(r.Context(), principal(r), a.ID)
	if err != nil {
		return out, err
	}
	for _, e := range ev {
		out.Evidence = append(out.Evidence, apiEvidence{ID: e.ID, Name: e.Name, ContentType: e.ContentType, Size: e.Size,
			UploadedBy: e.UploadedBy, CreatedAt: e.CreatedAt.UTC()})
	}
	tl, err := s.actions.Timeline(r.Context(), principal(r), a.ID)
	for _, e := range tl {
		out.Timeline = append(out.Timeline, apiActionHistory{At: e.At.UTC(), Actor: e.Actor, Kind: e.Kind, From: string(e.From),
			To: string(e.To), Note: e.Note})
	}
	return out, err
}

func (s *Server) apiAction(w http.ResponseWriter, r *http.Request) {
	a, err := s.actions.Action(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out, err := s.actionDetailJSON(r, a)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// apiActionTransition moves an action ({"to", "note"}) or records an approver's decision
// ({"action": "approve"|"reject", "comment"}): 200 with the action; 409 for a move the
// workflow does not allow or a submission without evidence, 403 for a decision by
// someone who may not decide, 422 for missing details (a rejection needs a comment).
// Nothing changes on an error.
func (s *Server) apiActionTransition(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	if _, err := s.actions.Action(ctx, by, pathID(r)); err != nil {
		s.jsonError(w, r, err)
		return
	}
	var in apiActionTransition
	if err := decodeJSON(w, r, &in); err != nil {
		s.jsonError(w, r, err)
		return
	}
	var a app.Action
	var err error
	switch {
	case in.Action == "approve" && in.To == "":
		a, err = s.actions.Approve(ctx, by, pathID(r), in.Comment)
	case in.Action == "reject" && in.To == "":
		a, err = s.actions.Reject(ctx, by, pathID(r), in.Comment)
	case in.Action != "":
		err = app.FieldErrors{"action": "err.choose_option"}.Err()
	case in.To == "":
		err = app.FieldErrors{"to": "err.required"}.Err()
	case !app.ActionStatus(in.To).Valid():
		err = app.FieldErrors{"to": "err.choose_option"}.Err()
	default:
		a, err = s.actions.Move(ctx, by, pathID(r), app.ActionStatus(in.To), in.Note)
	}
	if err == nil {
		a, err = s.actions.Action(ctx, by, a.ID) // with the approval chain as it now stands
	}
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out, err := s.actionDetailJSON(r, a)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}
