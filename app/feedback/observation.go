package feedback

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/store"
)

// ObservationInput is an observation as the public form or the public API give it.
// Nothing about the request that carried it belongs here.
type ObservationInput struct {
	HospitalID      int64
	DepartmentID    int64
	DepartmentCode  string // instead of DepartmentID: the department's code in the hospital
	CategoryCode    string
	SubcategoryCode string
	Severity        app.Severity
	Description     string
	Location        string
	// Identify is the reporter's explicit choice to be known; without it the name and
	// contact are dropped, whatever was typed.
	Identify        bool
	ReporterName    string
	ReporterContact string
	Files           []Upload
}

// Upload is a file sent with a report.
type Upload struct {
	Name string
	Data []byte
}

// MaxUploadsPerReport is how many files one public report may carry.
const MaxUploadsPerReport = 5

// findCategory returns the active category (parent 0) or subcategory (of parent) with
// code among cats, the hospital's own before the group's.
func findCategory(cats []app.ObservationCategory, parent int64, code string) (app.ObservationCategory, bool) {
	var found app.ObservationCategory
	ok := false
	for _, c := range cats {
		if c.ParentID == parent && strings.EqualFold(c.Code, code) && (!ok || c.HospitalID != 0) {
			found, ok = c, true
		}
	}
	return found, ok
}

func (s *Service) validateObservation(ctx context.Context, in *ObservationInput) (cat, sub app.ObservationCategory, err error) {
	fe := app.FieldErrors{}
	hospitalOK := s.checkHospital(ctx, fe, app.Scope{All: true}, in.HospitalID)
	if code := strings.TrimSpace(in.DepartmentCode); code != "" && hospitalOK {
		d, err := s.st.DepartmentByCode(ctx, in.HospitalID, code)
		if err != nil || !d.Active {
			fe.Add("department", "err.department_not_in_hospital")
		}
		in.DepartmentID = d.ID
	} else if hospitalOK {
		s.checkDepartment(ctx, fe, "department", in.HospitalID, in.DepartmentID)
	}
	in.CategoryCode, in.SubcategoryCode = strings.TrimSpace(in.CategoryCode), strings.TrimSpace(in.SubcategoryCode)
	if in.CategoryCode == "" {
		fe.Add("category", "err.required")
	} else if hospitalOK {
		cats, err := s.st.ObservationCategories(ctx, in.HospitalID)
		if err != nil {
			return cat, sub, err
		}
		var ok bool
		if cat, ok = findCategory(cats, 0, in.CategoryCode); !ok {
			fe.Add("category", "err.choose_option")
		} else if in.SubcategoryCode != "" {
			if sub, ok = findCategory(cats, cat.ID, in.SubcategoryCode); !ok {
				fe.Add("subcategory", "err.observation_subcategory")
			}
		}
	}
	if in.Severity == "" {
		in.Severity = app.SeverityMedium
	}
	if !in.Severity.Valid() {
		fe.Add("severity", "err.choose_option")
	}
	in.Description = text(fe, "description", in.Description, MaxText, true)
	in.Location = text(fe, "location", in.Location, MaxLocation, false)
	if in.Identify {
		in.ReporterName = text(fe, "reporter_name", in.ReporterName, MaxName, true)
		in.ReporterContact = text(fe, "reporter_contact", in.ReporterContact, MaxName, false)
	} else {
		in.ReporterName, in.ReporterContact = "", ""
	}
	if len(in.Files) > MaxUploadsPerReport {
		fe.Add("file", "err.too_many_files")
	}
	return cat, sub, fe.Err()
}

// SLARule returns the rule observations of a severity run under in a hospital: the
// hospital's own, else the group's, else the product default.
func (s *Service) SLARule(ctx context.Context, hospitalID int64, sev app.Severity) (app.ObservationSLARule, error) {
	rules, err := s.st.ObservationSLARules(ctx, hospitalID)
	if err != nil {
		return app.ObservationSLARule{}, err
	}
	rule := app.DefaultObservationSLA(sev)
	found := false
	for _, r := range rules { // group rules come first, the hospital's own override them
		if r.Severity == sev && (!found || r.HospitalID == hospitalID) {
			rule, found = r, true
		}
	}
	rule.HospitalID, rule.Severity = hospitalID, sev
	return rule, nil
}

// nextMilestone is the earliest milestone not yet fired (zero when none is left).
func nextMilestone(rule app.ObservationSLARule, due time.Time, fired map[string]bool) time.Time {
	for _, m := range app.ObservationMilestones(rule, due) {
		if !fired[m.Kind] {
			return m.At
		}
	}
	return time.Time{}
}

// SubmitObservation records a staff observation from the public form or API. The
// reporter stays anonymous: the transaction runs as "anonymous" without an address, the
// log's actor is "anonymous", and a name or contact is kept only when the reporter chose
// to identify. Attached photos lose their metadata (EXIF, GPS) before they are stored.
// The observation.created and analysis events and an audit row go in the same transaction.
func (s *Service) SubmitObservation(ctx context.Context, in ObservationInput) (app.Observation, error) {
	cat, sub, err := s.validateObservation(ctx, &in)
	if err != nil {
		return app.Observation{}, err
	}
	blobs, err := s.storeUploads(in.Files)
	if err != nil {
		return app.Observation{}, err
	}
	rule, err := s.SLARule(ctx, in.HospitalID, in.Severity)
	if err != nil {
		return app.Observation{}, err
	}
	o := app.Observation{HospitalID: in.HospitalID, DepartmentID: in.DepartmentID, CategoryID: cat.ID, SubcategoryID: sub.ID,
		Severity: in.Severity, Status: app.ObservationNew, Description: in.Description, Location: in.Location,
		Identified: in.Identify, ReporterName: in.ReporterName, ReporterContact: in.ReporterContact}
	actor := app.AnonymousActor
	if in.Identify {
		actor = "reporter"
	}
	err = s.st.InTx(ctx, anonymous, func(tx *store.Tx) error {
		o.DueAt = rule.Due(tx.Now())
		var err error
		for range 3 {
			o.TrackingCode = app.NewTrackingCode()
			if err = tx.InsertObservation(ctx, &o, rule, nextMilestone(rule, o.DueAt, nil)); app.ErrorCode(err) != app.EConflict {
				break
			}
		}
		if err != nil {
			return err
		}
		if err := tx.AddObservationLog(ctx, app.RecordLogEntry{RecordID: o.ID, Actor: actor, Kind: "created",
			ToStatus: string(o.Status), Public: true}); err != nil {
			return err
		}
		for _, b := range blobs {
			att := store.RecordAttachment{RecordType: app.RecordObservation, RecordID: o.ID, HospitalID: o.HospitalID,
				SHA256: b.SHA256, Name: b.Name, ContentType: b.ContentType, Size: b.Size}
			if err := tx.InsertRecordAttachment(ctx, &att); err != nil {
				return err
			}
		}
		if err := tx.Emit(ctx, app.EventObservationCreated, o.HospitalID, map[string]any{"id": o.ID, "hospital_id": o.HospitalID,
			"department_id": o.DepartmentID, "severity": o.Severity, "category": cat.Code}); err != nil {
			return err
		}
		if err := analysisEvent(ctx, tx, app.RecordObservation, o.ID, o.HospitalID); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "observation.create", Entity: app.RecordObservation, EntityID: fmt.Sprint(o.ID),
			HospitalID: o.HospitalID, Summary: map[string]any{"severity": o.Severity, "category": cat.Code,
				"identified": o.Identified, "files": len(blobs)}})
	})
	return o, err
}

// Observation returns one observation the user may see. The reporter's name and contact
// (given only by reporters who chose to identify) are left out for users who may not
// manage observations.
func (s *Service) Observation(ctx context.Context, by app.Principal, id int64) (app.Observation, error) {
	if !by.Can(app.PermFeedbackView) {
		return app.Observation{}, app.ErrForbidden
	}
	o, err := s.st.ObservationByID(ctx, by.Scope, id)
	if err == nil && !by.Can(app.PermFeedbackManage) {
		o.ReporterName, o.ReporterContact = "", ""
	}
	return o, err
}

// ListObservations pages through the observations of the user's hospitals.
func (s *Service) ListObservations(ctx context.Context, by app.Principal, f store.ObservationFilter) (app.Page[app.Observation], error) {
	if !by.Can(app.PermFeedbackView) {
		return app.Page[app.Observation]{}, app.ErrForbidden
	}
	f.Scope = by.Scope
	p, err := s.st.ListObservations(ctx, f)
	if !by.Can(app.PermFeedbackManage) {
		for i := range p.Items {
			p.Items[i].ReporterName, p.Items[i].ReporterContact = "", ""
		}
	}
	return p, err
}

// ObservationLog returns an observation's status log, oldest first.
func (s *Service) ObservationLog(ctx context.Context, by app.Principal, id int64) ([]app.RecordLogEntry, error) {
	if _, err := s.Observation(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.ObservationLog(ctx, id, false)
}

// Categories lists the categories and subcategories a hospital's reports may use (0:
// the group's defaults).
func (s *Service) Categories(ctx context.Context, hospitalID int64) ([]app.ObservationCategory, error) {
	return s.st.ObservationCategories(ctx, hospitalID)
}

// ErrObservationTransition refuses a status change the lifecycle does not allow.
var ErrObservationTransition = &app.Error{Code: app.EConflict, Message: "err.transition_not_allowed"}

// changeObservation loads the observation in a transaction as by, lets change alter it,
// and saves it with its SLA schedule: the next milestone not yet fired while it runs,
// none once it is finished.
func (s *Service) changeObservation(ctx context.Context, by app.Principal, id int64,
	change func(tx *store.Tx, o *app.Observation, rule *app.ObservationSLARule) error) (app.Observation, error) {
	if !by.Can(app.PermFeedbackManage) {
		return app.Observation{}, app.ErrForbidden
	}
	var o app.Observation
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if o, err = tx.ObservationByID(ctx, by.Scope, id); err != nil {
			return err
		}
		rule, err := tx.ObservationSLA(ctx, o.ID)
		if err != nil {
			return err
		}
		if err := change(tx, &o, &rule); err != nil {
			return err
		}
		var next time.Time
		if o.Status.Active() {
			fired, err := tx.FiredObservationMilestones(ctx, o.ID)
			if err != nil {
				return err
			}
			next = nextMilestone(rule, o.DueAt, fired)
		}
		return tx.UpdateObservation(ctx, &o, rule, next)
	})
	return o, err
}

// moveObservation changes o's status inside tx with a public log entry (the reporter
// sees the status; the note only when public) and an audit row.
func moveObservation(ctx context.Context, tx *store.Tx, o *app.Observation, to app.ObservationStatus, note string, public bool) error {
	from := o.Status
	o.Status = to
	switch to {
	case app.ObservationResolved:
		o.ResolvedAt = tx.Now()
	case app.ObservationClosed, app.ObservationRejected:
		o.ClosedAt = tx.Now()
	case app.ObservationInProgress:
		if from == app.ObservationResolved { // reopened
			o.ResolvedAt, o.Resolution = time.Time{}, ""
		}
	}
	if err := tx.AddObservationLog(ctx, app.RecordLogEntry{RecordID: o.ID, Kind: "status", FromStatus: string(from),
		ToStatus: string(to), Note: note, Public: true}); err != nil {
		return err
	}
	return tx.Audit(ctx, app.Audit{Action: "observation.transition", Entity: app.RecordObservation, EntityID: fmt.Sprint(o.ID),
		HospitalID: o.HospitalID, Summary: map[string]any{"from": from, "to": to}})
}

// Transition is a status change asked for on an observation.
type Transition struct {
	To         app.ObservationStatus
	Note       string
	Public     bool   // the note is shown to the reporter on the tracking page
	Resolution string // required when moving to resolved
}

// MoveObservation moves an observation through its lifecycle (new → triage → assigned
// → in progress → resolved → closed, or rejected). Moving to assigned needs an assignee
// (Assign does both); resolving needs a resolution.
func (s *Service) MoveObservation(ctx context.Context, by app.Principal, id int64, t Transition) (app.Observation, error) {
	fe := app.FieldErrors{}
	if !t.To.Valid() {
		fe.Add("to", "err.choose_option")
	}
	t.Note = text(fe, "note", t.Note, MaxNote, false)
	t.Resolution = text(fe, "resolution", t.Resolution, MaxText, t.To == app.ObservationResolved)
	if t.To == app.ObservationRejected && t.Note == "" {
		fe.Add("note", "err.reason_required")
	}
	if err := fe.Err(); err != nil {
		return app.Observation{}, err
	}
	return s.changeObservation(ctx, by, id, func(tx *store.Tx, o *app.Observation, _ *app.ObservationSLARule) error {
		if !o.Status.CanMoveTo(t.To) {
			return ErrObservationTransition
		}
		if t.To == app.ObservationAssigned && o.AssignedTo == "" {
			return app.FieldErrors{"to": "err.observation_assign_first"}.Err()
		}
		note := t.Note
		if t.To == app.ObservationResolved {
			o.Resolution = t.Resolution
			if t.Public {
				note = strings.TrimSpace(t.Resolution + "\n\n" + t.Note)
			}
		}
		if !t.Public {
			if err := moveObservation(ctx, tx, o, t.To, "", false); err != nil {
				return err
			}
			if note == "" {
				return nil
			}
			return tx.AddObservationLog(ctx, app.RecordLogEntry{RecordID: o.ID, Kind: "note", Note: note})
		}
		return moveObservation(ctx, tx, o, t.To, note, true)
	})
}

// Resolve records how an observation was resolved and moves it to resolved; public
// shares the resolution with the reporter on the tracking page.
func (s *Service) Resolve(ctx context.Context, by app.Principal, id int64, resolution string, public bool) (app.Observation, error) {
	return s.MoveObservation(ctx, by, id, Transition{To: app.ObservationResolved, Resolution: resolution, Public: public})
}

// assignable reports whether user id may work on observations of the hospital: an
// active user of that hospital (or a PX admin) who may manage observations.
func (s *Service) assignable(ctx context.Context, userID string, hospitalID int64) (*app.User, bool) {
	u, err := s.st.UserByID(ctx, userID)
	if err != nil || u == nil || !u.Active || !u.Role.Can(app.PermFeedbackView) {
		return nil, false
	}
	return u, u.Role == app.RolePXAdmin || slices.Contains(u.HospitalIDs, hospitalID)
}

// Assign gives the observation to a user of its hospital; a new or triaged observation
// becomes assigned. The assignee hears of it in the app.
func (s *Service) Assign(ctx context.Context, by app.Principal, id int64, userID, note string) (app.Observation, error) {
	fe := app.FieldErrors{}
	note = text(fe, "note", note, MaxNote, false)
	if strings.TrimSpace(userID) == "" {
		fe.Add("assignee", "err.required")
	}
	if err := fe.Err(); err != nil {
		return app.Observation{}, err
	}
	return s.changeObservation(ctx, by, id, func(tx *store.Tx, o *app.Observation, _ *app.ObservationSLARule) error {
		if !o.Status.Active() {
			return ErrObservationTransition
		}
		u, ok := s.assignable(ctx, userID, o.HospitalID)
		if !ok {
			return app.FieldErrors{"assignee": "err.owner_not_in_hospital"}.Err()
		}
		o.AssignedTo = u.ID
		if err := tx.AddObservationLog(ctx, app.RecordLogEntry{RecordID: o.ID, Kind: "assigned", Note: strings.TrimSpace(u.Name + "\n\n" + note)}); err != nil {
			return err
		}
		if o.Status == app.ObservationNew || o.Status == app.ObservationTriage {
			if err := moveObservation(ctx, tx, o, app.ObservationAssigned, "", false); err != nil {
				return err
			}
		}
		people := []notify.Recipient{{UserID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language}}
		if _, err := s.notify.EnqueueTx(ctx, tx, s.observationNotice(ctx, *o, app.NotifyObservationAssigned, people,
			fmt.Sprintf("observation:%d:assigned:%d", o.ID, tx.Now().UnixNano()))); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "observation.assign", Entity: app.RecordObservation, EntityID: fmt.Sprint(o.ID),
			HospitalID: o.HospitalID, Summary: map[string]any{"assignee": u.ID}})
	})
}

// Triage is staff's classification of an observation.
type Triage struct {
	Severity      app.Severity
	CategoryID    int64
	SubcategoryID int64
	DepartmentID  int64
}

// TriageObservation sets an observation's severity, category, subcategory and
// department. A new severity brings the due time of its SLA rule, counted from the
// report, and its reminders anew.
func (s *Service) TriageObservation(ctx context.Context, by app.Principal, id int64, t Triage) (app.Observation, error) {
	return s.changeObservation(ctx, by, id, func(tx *store.Tx, o *app.Observation, rule *app.ObservationSLARule) error {
		fe := app.FieldErrors{}
		if !t.Severity.Valid() {
			fe.Add("severity", "err.choose_option")
		}
		s.checkDepartment(ctx, fe, "department", o.HospitalID, t.DepartmentID)
		cats, err := s.st.ObservationCategories(ctx, o.HospitalID)
		if err != nil {
			return err
		}
		byID := map[int64]app.ObservationCategory{}
		for _, c := range cats {
			byID[c.ID] = c
		}
		if c, ok := byID[t.CategoryID]; t.CategoryID != 0 && (!ok || c.ParentID != 0) {
			fe.Add("category", "err.choose_option")
		}
		if c, ok := byID[t.SubcategoryID]; t.SubcategoryID != 0 && (!ok || c.ParentID != t.CategoryID) {
			fe.Add("subcategory", "err.observation_subcategory")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if t.Severity != o.Severity {
			if *rule, err = s.SLARule(ctx, o.HospitalID, t.Severity); err != nil {
				return err
			}
			o.DueAt = rule.Due(o.CreatedAt)
			if err := tx.ClearObservationMilestones(ctx, o.ID); err != nil {
				return err
			}
		}
		from := o.Severity
		o.Severity, o.CategoryID, o.SubcategoryID, o.DepartmentID = t.Severity, t.CategoryID, t.SubcategoryID, t.DepartmentID
		if err := tx.AddObservationLog(ctx, app.RecordLogEntry{RecordID: o.ID, Kind: "triaged",
			Note: string(from) + " → " + string(t.Severity)}); err != nil {
			return err
		}
		if o.Status == app.ObservationNew {
			if err := moveObservation(ctx, tx, o, app.ObservationTriage, "", false); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "observation.triage", Entity: app.RecordObservation, EntityID: fmt.Sprint(o.ID),
			HospitalID: o.HospitalID, Summary: map[string]any{"severity": o.Severity, "category": o.CategoryID,
				"subcategory": o.SubcategoryID, "department": o.DepartmentID}})
	})
}

// Assignees are the users an observation of a hospital may go to: its active users who
// may see observations, and the group's PX admins.
func (s *Service) Assignees(ctx context.Context, by app.Principal, hospitalID int64) ([]app.User, error) {
	if !by.Can(app.PermFeedbackManage) {
		return nil, app.ErrForbidden
	}
	if !by.Scope.Allows(hospitalID) {
		return nil, app.ErrNotFound
	}
	all := app.Scope{All: true}
	var out []app.User
	for _, q := range []store.UserQuery{{ListQuery: app.ListQuery{Scope: all, HospitalID: hospitalID, Limit: 500, NoCount: true}},
		{ListQuery: app.ListQuery{Scope: all, Limit: 500, NoCount: true}, Role: app.RolePXAdmin}} {
		p, err := s.st.ListUsers(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, u := range p.Items {
			if u.Active && u.Role.Can(app.PermFeedbackView) && !slices.ContainsFunc(out, func(x app.User) bool { return x.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	slices.SortFunc(out, func(a, b app.User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// observationNotice builds a staff notification about an observation.
func (s *Service) observationNotice(ctx context.Context, o app.Observation, key app.NotificationKey, people []notify.Recipient, ref string) notify.Request {
	base := s.notify.PublicURL(ctx)
	loc := s.hospitalZone(ctx, o.HospitalID)
	return notify.Request{Key: key, HospitalID: o.HospitalID, Staff: people, Link: fmt.Sprintf("/observations/%d", o.ID), Ref: ref,
		Vars: func(lang string) map[string]string {
			return map[string]string{"observation_ref": ObservationRef(o.ID), "observation_link": fmt.Sprintf("%s/observations/%d", base, o.ID),
				"severity": s.tr(lang, "complaint.severity."+string(o.Severity)), "due_at": o.DueAt.In(loc).Format("2006-01-02 15:04")}
		}}
}

// ObservationRef is how staff refer to an observation ("OBS-12"): the tracking code is
// the reporter's.
func ObservationRef(id int64) string { return fmt.Sprintf("OBS-%d", id) }
