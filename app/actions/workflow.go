package actions

import (
	"context"
	"fmt"
	"io"
	"slices"

	"px360/app"
	"px360/store"
)

// Workflow errors.
var (
	ErrTransition  = &app.Error{Code: app.EConflict, Message: "err.action_transition"}
	ErrNoEvidence  = &app.Error{Code: app.EConflict, Message: "err.action_needs_evidence"}
	ErrNotApprover = &app.Error{Code: app.EForbidden, Message: "err.not_approver"}
)

// canWork reports whether by may work on an action: its owner, a member of its queue,
// or a manager of its hospital.
func canWork(by app.Principal, a app.Action, deps []int64) bool {
	switch {
	case !by.Scope.Allows(a.HospitalID):
		return false
	case by.UserID != "" && by.UserID == a.OwnerUserID:
		return true
	case by.Can(app.PermActionManage) && (by.Role != app.RoleDepartmentManager || a.DepartmentID == 0 || slices.Contains(deps, a.DepartmentID)):
		return true
	case a.OwnerUserID == "" && a.OwnerRole == by.Role:
		return a.DepartmentID == 0 || by.Role != app.RoleDepartmentManager || slices.Contains(deps, a.DepartmentID)
	}
	return false
}

// departments returns the departments of a signed-in user (for department managers).
func (s *Service) departments(ctx context.Context, by app.Principal) []int64 {
	if by.UserID == "" {
		return nil
	}
	u, err := s.st.UserByID(ctx, by.UserID)
	if err != nil {
		return nil
	}
	return u.DepartmentIDs
}

// Move changes an action's status as a person may: start work, submit for approval
// (evidence required), close an approved action, reopen, cancel (managers only).
func (s *Service) Move(ctx context.Context, by app.Principal, id int64, to app.ActionStatus, note string) (app.Action, error) {
	fe := app.FieldErrors{}
	note = app.OptionalText(fe, "note", note, MaxComment)
	if to == app.ActionCancelled && note == "" {
		fe.Add("note", "err.reason_required")
	}
	if err := fe.Err(); err != nil {
		return app.Action{}, err
	}
	deps := s.departments(ctx, by)
	var a app.Action
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if a, err = tx.ActionByID(ctx, by.Scope, id); err != nil {
			return err
		}
		if !canWork(by, a, deps) || (to == app.ActionCancelled && !by.Can(app.PermActionManage)) {
			return app.ErrForbidden
		}
		if !a.Status.CanMoveTo(to) {
			return ErrTransition
		}
		from := a.Status
		if to == app.ActionPendingApproval {
			ev, err := tx.RecordAttachments(ctx, "action", a.ID)
			if err != nil {
				return err
			}
			if len(ev) == 0 {
				return ErrNoEvidence
			}
			set, err := s.st.ActionSettings(ctx, a.HospitalID)
			if err != nil {
				return err
			}
			if err := tx.StartApprovalRound(ctx, a.ID, set.ApprovalRoles); err != nil {
				return err
			}
			if len(set.ApprovalRoles) == 0 { // no chain configured: submitted work is approved at once
				to = app.ActionApproved
			}
		}
		if a.OwnerUserID == "" && by.UserID != "" && to == app.ActionInProgress {
			a.OwnerUserID = by.UserID // taking an action from the queue
		}
		a.Status = to
		if err := tx.UpdateAction(ctx, &a); err != nil {
			return err
		}
		return s.logChange(ctx, tx, a, "status", from, to, note)
	})
	if err == nil && to == app.ActionPendingApproval {
		s.tellApprovers(ctx, a)
	}
	return a, err
}

// logChange writes the timeline entry, event and audit row of a change.
func (s *Service) logChange(ctx context.Context, tx *store.Tx, a app.Action, kind string, from, to app.ActionStatus, note string) error {
	if err := tx.AddActionEntry(ctx, app.ActionEntry{ActionID: a.ID, Kind: kind, From: from, To: to, Note: note}); err != nil {
		return err
	}
	if err := tx.Emit(ctx, app.EventActionUpdated, a.HospitalID, map[string]any{"id": a.ID, "status": a.Status}); err != nil {
		return err
	}
	return tx.Audit(ctx, app.Audit{Action: "action." + kind, Entity: "action", EntityID: fmt.Sprint(a.ID), HospitalID: a.HospitalID,
		Summary: map[string]any{"from": from, "to": to, "note": note}})
}

// mayDecide reports whether by may decide at an approval level: the level's role in the
// action's hospital (a department manager only for their departments; a PX admin at
// any level whose role is px-admin).
func mayDecide(by app.Principal, a app.Action, role app.Role, deps []int64) bool {
	if by.Role != role || !by.Scope.Allows(a.HospitalID) || by.UserID == "" {
		return false
	}
	if role == app.RoleDepartmentManager && a.DepartmentID != 0 && !slices.Contains(deps, a.DepartmentID) {
		return false
	}
	return true
}

// Approve records by's approval at the pending level; the last level approves the action.
func (s *Service) Approve(ctx context.Context, by app.Principal, id int64, comment string) (app.Action, error) {
	return s.decide(ctx, by, id, true, comment)
}

// Reject records by's rejection (a comment is required): the action goes back to its
// owner, status rejected, and the owner is told why.
func (s *Service) Reject(ctx context.Context, by app.Principal, id int64, comment string) (app.Action, error) {
	return s.decide(ctx, by, id, false, comment)
}

func (s *Service) decide(ctx context.Context, by app.Principal, id int64, approve bool, comment string) (app.Action, error) {
	fe := app.FieldErrors{}
	comment = app.OptionalText(fe, "comment", comment, MaxComment)
	if !approve && comment == "" {
		fe.Add("comment", "err.reason_required")
	}
	if err := fe.Err(); err != nil {
		return app.Action{}, err
	}
	deps := s.departments(ctx, by)
	var a app.Action
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if a, err = tx.ActionByID(ctx, by.Scope, id); err != nil {
			return err
		}
		if a.Status != app.ActionPendingApproval {
			return ErrTransition
		}
		level := a.PendingLevel()
		var role app.Role
		for _, p := range a.Approvals {
			if !p.Superseded && p.Level == level {
				role = p.Role
			}
		}
		if level == 0 || !mayDecide(by, a, role, deps) {
			return ErrNotApprover
		}
		if err := tx.DecideApproval(ctx, a.ID, level, approve, comment); err != nil {
			return err
		}
		from, kind := a.Status, "approved"
		switch {
		case !approve:
			a.Status, kind = app.ActionRejected, "rejected"
		case level == lastLevel(a):
			a.Status = app.ActionApproved
		}
		if err := tx.UpdateAction(ctx, &a); err != nil {
			return err
		}
		return s.logChange(ctx, tx, a, kind, from, a.Status, fmt.Sprintf("level %d: %s", level, comment))
	})
	if err == nil {
		if a.Status == app.ActionPendingApproval {
			s.tellApprovers(ctx, a)
		} else {
			s.tellOwner(ctx, a, comment)
		}
	}
	return a, err
}

func lastLevel(a app.Action) int {
	n := 0
	for _, p := range a.Approvals {
		if !p.Superseded && p.Level > n {
			n = p.Level
		}
	}
	return n
}

// Assign gives an action to a user (or back to a queue with an empty user).
func (s *Service) Assign(ctx context.Context, by app.Principal, id int64, userID string) (app.Action, error) {
	if !by.Can(app.PermActionManage) {
		return app.Action{}, app.ErrForbidden
	}
	var a app.Action
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if a, err = tx.ActionByID(ctx, by.Scope, id); err != nil {
			return err
		}
		if a.Status.Finished() {
			return ErrTransition
		}
		in := Input{HospitalID: a.HospitalID, OwnerUserID: userID, TitleEN: "x", Source: a.Source}
		if err := s.check(ctx, by, &in); err != nil {
			return err
		}
		a.OwnerUserID = userID
		if err := tx.UpdateAction(ctx, &a); err != nil {
			return err
		}
		return s.logChange(ctx, tx, a, "assign", a.Status, a.Status, userID)
	})
	if err == nil && userID != "" {
		s.tellOwner(ctx, a, "")
	}
	return a, err
}

// Comment adds a note to an action's timeline.
func (s *Service) Comment(ctx context.Context, by app.Principal, id int64, text string) error {
	fe := app.FieldErrors{}
	text = app.RequiredText(fe, "comment", text, MaxComment)
	if err := fe.Err(); err != nil {
		return err
	}
	deps := s.departments(ctx, by)
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		a, err := tx.ActionByID(ctx, by.Scope, id)
		if err != nil {
			return err
		}
		if !canWork(by, a, deps) && !inChain(by, a) {
			return app.ErrForbidden
		}
		return tx.AddActionEntry(ctx, app.ActionEntry{ActionID: a.ID, Kind: "comment", Note: text})
	})
}

func inChain(by app.Principal, a app.Action) bool {
	for _, p := range a.Approvals {
		if p.Role == by.Role && by.Scope.Allows(a.HospitalID) {
			return true
		}
	}
	return false
}

// Evidence limits.
const (
	MaxEvidenceBytes = 20 << 20
	MaxEvidenceFiles = 20
)

// AddEvidence attaches a file to an action (its owner or a manager, before approval).
func (s *Service) AddEvidence(ctx context.Context, by app.Principal, id int64, name string, r io.Reader) (store.RecordAttachment, error) {
	deps := s.departments(ctx, by)
	a, err := s.st.ActionByID(ctx, by.Scope, id)
	if err != nil {
		return store.RecordAttachment{}, err
	}
	if !canWork(by, a, deps) {
		return store.RecordAttachment{}, app.ErrForbidden
	}
	if a.Status.Finished() || a.Status == app.ActionApproved || a.Status == app.ActionPendingApproval {
		return store.RecordAttachment{}, ErrTransition
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
	att := store.RecordAttachment{RecordType: "action", RecordID: a.ID, HospitalID: a.HospitalID, SHA256: blob.SHA256, Name: name,
		ContentType: blob.ContentType, Size: blob.Size}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		have, err := tx.RecordAttachments(ctx, "action", a.ID)
		if err != nil {
			return err
		}
		if len(have) >= MaxEvidenceFiles {
			return &app.Error{Code: app.EConflict, Message: "err.too_many_files"}
		}
		if err := tx.InsertRecordAttachment(ctx, &att); err != nil {
			return err
		}
		if err := tx.AddActionEntry(ctx, app.ActionEntry{ActionID: a.ID, Kind: "evidence", Note: name}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "action.evidence", Entity: "action", EntityID: fmt.Sprint(a.ID), HospitalID: a.HospitalID,
			Summary: map[string]any{"name": name, "size": blob.Size, "sha256": blob.SHA256}})
	})
	return att, err
}

// Evidence lists an action's files.
func (s *Service) Evidence(ctx context.Context, by app.Principal, id int64) ([]store.RecordAttachment, error) {
	if _, err := s.Action(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.RecordAttachments(ctx, "action", id)
}
