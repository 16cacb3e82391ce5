package actions

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// RCA errors.
var (
	ErrRCAIncomplete = &app.Error{Code: app.EConflict, Message: "err.rca_incomplete"}
	ErrRCATransition = &app.Error{Code: app.EConflict, Message: "err.rca_transition"}
)

// RCALinkTypes are the records an RCA may analyse.
var RCALinkTypes = []string{"complaint", "observation", "feedback", "inquiry", "action"}

// RCA returns one root cause analysis in scope.
func (s *Service) RCA(ctx context.Context, by app.Principal, id int64) (app.RCA, error) {
	if !by.Can(app.PermActionView) {
		return app.RCA{}, app.ErrForbidden
	}
	return s.st.RCAByID(ctx, by.Scope, id)
}

// RCAs pages through the RCAs in scope.
func (s *Service) RCAs(ctx context.Context, by app.Principal, q app.ListQuery) (app.Page[app.RCA], error) {
	if !by.Can(app.PermActionView) {
		return app.Page[app.RCA]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListRCAs(ctx, q)
}

// RCAHistory returns an RCA's status history.
func (s *Service) RCAHistory(ctx context.Context, by app.Principal, id int64) ([]store.RCAHistoryEntry, error) {
	if _, err := s.RCA(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.RCAHistory(ctx, id)
}

// SaveRCA creates (ID 0) or updates an RCA: title, problem, risk, team, links, root
// causes and corrective actions, all at once (the editor posts the whole analysis).
func (s *Service) SaveRCA(ctx context.Context, by app.Principal, r app.RCA) (app.RCA, error) {
	if !by.Can(app.PermActionManage) || !by.Scope.Allows(r.HospitalID) {
		return r, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	r.Title = app.RequiredText(fe, "title", r.Title, 200)
	r.Problem = app.OptionalText(fe, "problem", r.Problem, 8000)
	if r.Likelihood < 0 || r.Likelihood > 5 {
		fe.Add("likelihood", "err.number_range")
	}
	if r.Impact < 0 || r.Impact > 5 {
		fe.Add("impact", "err.number_range")
	}
	for i, c := range r.RootCauses {
		key := fmt.Sprintf("root_causes.%d", i)
		r.RootCauses[i].Text = app.OptionalText(fe, key, c.Text, 2000)
		if !c.Category.Valid() {
			fe.Add(key, "err.choose_option")
		}
		if r.RootCauses[i].Text == "" {
			fe.Add(key, "err.required")
		}
		var whys []string
		for _, w := range c.Whys {
			if w = strings.TrimSpace(w); w != "" {
				whys = append(whys, w)
			}
		}
		if len(whys) > 5 {
			fe.Add(key, "err.whys_max")
		}
		r.RootCauses[i].Whys = whys
	}
	for i, ca := range r.CorrectiveActions {
		key := fmt.Sprintf("corrective_actions.%d", i)
		r.CorrectiveActions[i].Text = app.RequiredText(fe, key, ca.Text, 2000)
		if ca.Status == "" {
			r.CorrectiveActions[i].Status = "open"
		} else if ca.Status != "open" && ca.Status != "done" {
			fe.Add(key, "err.choose_option")
		}
		if ca.Effectiveness < 0 || ca.Effectiveness > 5 {
			fe.Add(key, "err.number_range")
		}
	}
	for _, l := range r.Links {
		if !slices.Contains(RCALinkTypes, l.Type) || l.ID <= 0 {
			fe.Add("links", "err.choose_option")
			break
		}
	}
	if err := fe.Err(); err != nil {
		return r, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		created := r.ID == 0
		if created {
			r.Status = "draft"
		} else {
			cur, err := tx.RCAByID(ctx, by.Scope, r.ID)
			if err != nil {
				return err
			}
			if cur.Status == "closed" {
				return ErrRCATransition
			}
			r.Status, r.HospitalID = cur.Status, cur.HospitalID
		}
		if err := tx.SaveRCA(ctx, &r); err != nil {
			return err
		}
		if created {
			if err := tx.AddRCAHistory(ctx, r.ID, "", "draft", ""); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("rca", created), Entity: "rca", EntityID: fmt.Sprint(r.ID),
			HospitalID: r.HospitalID, Summary: map[string]any{"title": r.Title, "risk": r.Risk(), "root_causes": len(r.RootCauses),
				"corrective_actions": len(r.CorrectiveActions)}})
	})
	return r, err
}

// MoveRCA moves an RCA through draft → in_progress → review → closed (or back a step).
// An RCA closes only with at least one root cause and one corrective action.
func (s *Service) MoveRCA(ctx context.Context, by app.Principal, id int64, to, note string) (app.RCA, error) {
	if !by.Can(app.PermActionManage) {
		return app.RCA{}, app.ErrForbidden
	}
	var r app.RCA
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if r, err = tx.RCAByID(ctx, by.Scope, id); err != nil {
			return err
		}
		from := slices.Index(app.RCAStatuses, r.Status)
		next := slices.Index(app.RCAStatuses, to)
		if next < 0 || r.Status == "closed" || (next != from+1 && next != from-1) {
			return ErrRCATransition
		}
		if to == "closed" && (len(r.RootCauses) == 0 || len(r.CorrectiveActions) == 0) {
			return ErrRCAIncomplete
		}
		if err := tx.SetRCAStatus(ctx, r.ID, to); err != nil {
			return err
		}
		if err := tx.AddRCAHistory(ctx, r.ID, r.Status, to, note); err != nil {
			return err
		}
		prev := r.Status
		r.Status = to
		if to == "closed" {
			r.ClosedAt = tx.Now()
		}
		return tx.Audit(ctx, app.Audit{Action: "rca.transition", Entity: "rca", EntityID: fmt.Sprint(r.ID), HospitalID: r.HospitalID,
			Summary: map[string]any{"from": prev, "to": to}})
	})
	return r, err
}

// AddRCAFile attaches a document to an RCA.
func (s *Service) AddRCAFile(ctx context.Context, by app.Principal, id int64, name string, r io.Reader) (store.RecordAttachment, error) {
	if !by.Can(app.PermActionManage) {
		return store.RecordAttachment{}, app.ErrForbidden
	}
	rc, err := s.st.RCAByID(ctx, by.Scope, id)
	if err != nil {
		return store.RecordAttachment{}, err
	}
	fe := app.FieldErrors{}
	name = app.RequiredText(fe, "file", name, 200)
	if err := fe.Err(); err != nil {
		return store.RecordAttachment{}, err
	}
	blob, err := s.files.Put(r, MaxEvidenceBytes)
	if err != nil {
		return store.RecordAttachment{}, err
	}
	att := store.RecordAttachment{RecordType: "rca", RecordID: rc.ID, HospitalID: rc.HospitalID, SHA256: blob.SHA256, Name: name,
		ContentType: blob.ContentType, Size: blob.Size}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.InsertRecordAttachment(ctx, &att); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "rca.file", Entity: "rca", EntityID: fmt.Sprint(rc.ID), HospitalID: rc.HospitalID,
			Summary: map[string]any{"name": name, "size": blob.Size}})
	})
	return att, err
}

// WorkItem is one thing on a person's "my work" list.
type WorkItem struct {
	Kind  string // complaint, action, approval, rca_task, explanation
	ID    int64
	Title string
	Due   time.Time
	State string // the record's status, or its SLA state
	Link  string
}

// MyWork lists everything assigned to by, soonest due first (no due time last).
func (s *Service) MyWork(ctx context.Context, by app.Principal) ([]WorkItem, error) {
	if by.UserID == "" {
		return nil, app.ErrForbidden
	}
	u, err := s.st.UserByID(ctx, by.UserID)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.MyWork(ctx, u, by.Scope, 100)
	if err != nil {
		return nil, err
	}
	var out []WorkItem
	for _, r := range rows {
		it := WorkItem{Kind: r.Kind, ID: r.ID, Title: r.Title, Due: r.Due, State: r.Status}
		switch r.Kind {
		case "complaint", "explanation":
			it.Link = fmt.Sprintf("/complaints/%d", r.ID)
		case "action":
			it.Link = fmt.Sprintf("/actions/%d", r.ID)
		case "approval":
			a, err := s.st.ActionByID(ctx, by.Scope, r.ID)
			if err != nil {
				continue
			}
			level, ok := a.PendingLevel(), false
			for _, p := range a.Approvals {
				if !p.Superseded && p.Level == level && mayDecide(by, a, p.Role, u.DepartmentIDs) {
					ok = true
				}
			}
			if !ok {
				continue
			}
			it.Link = fmt.Sprintf("/actions/%d", r.ID)
		case "rca_task":
			it.Link = fmt.Sprintf("/rcas/%d", r.ID)
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b WorkItem) int {
		switch {
		case a.Due.IsZero() && !b.Due.IsZero():
			return 1
		case !a.Due.IsZero() && b.Due.IsZero():
			return -1
		}
		return a.Due.Compare(b.Due)
	})
	return out, nil
}
