package actions

import (
	"context"
	"fmt"
	"io"
	"slices"

	"px360/app"
	"px360/store"
)

// What the web layer needs besides the workflow itself: who may do what on a record
// page, the people an action can go to, file downloads, and the admin of routing rules
// and per-hospital action settings.

// Abilities says what a person may do on one action's page, so the page offers only
// those forms (the service still decides every call).
type Abilities struct {
	Work    bool // move, add evidence: its owner, its queue, a manager of its hospital
	Decide  bool // approve or reject at the pending level
	Comment bool // add to the timeline: workers and approvers of any level
}

// AbilitiesOn returns what by may do on a.
func (s *Service) AbilitiesOn(ctx context.Context, by app.Principal, a app.Action) Abilities {
	deps := s.departments(ctx, by)
	ab := Abilities{Work: canWork(by, a, deps)}
	if a.Status == app.ActionPendingApproval {
		level := a.PendingLevel()
		for _, p := range a.Approvals {
			if !p.Superseded && p.Level == level && level != 0 && mayDecide(by, a, p.Role, deps) {
				ab.Decide = true
			}
		}
	}
	ab.Comment = ab.Work || inChain(by, a)
	return ab
}

// Assignees are the active users an action (or an RCA task) of a hospital may go to:
// the hospital's users and the group's PX admins.
func (s *Service) Assignees(ctx context.Context, by app.Principal, hospitalID int64) ([]app.User, error) {
	if !by.Can(app.PermActionView) {
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
			if u.Active && !slices.ContainsFunc(out, func(x app.User) bool { return x.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	slices.SortFunc(out, func(a, b app.User) int {
		if a.Name < b.Name {
			return -1
		} else if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// UserNames returns the names of users by id (an unknown id is left out), for owners,
// approvers and teams shown on pages.
func (s *Service) UserNames(ctx context.Context, by app.Principal, ids []string) map[string]string {
	out := map[string]string{}
	if !by.Can(app.PermActionView) {
		return out
	}
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		if u, err := s.st.UserByID(ctx, id); err == nil {
			out[id] = u.Name
		}
	}
	return out
}

// OpenEvidence opens one evidence file of an action for download (audited: evidence may
// name patients and staff).
func (s *Service) OpenEvidence(ctx context.Context, by app.Principal, actionID, fileID int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
	a, err := s.Action(ctx, by, actionID)
	if err != nil {
		return store.RecordAttachment{}, nil, err
	}
	return s.openRecordFile(ctx, by, "action", a.ID, a.HospitalID, fileID)
}

// RCAFiles lists an RCA's attachments.
func (s *Service) RCAFiles(ctx context.Context, by app.Principal, id int64) ([]store.RecordAttachment, error) {
	if _, err := s.RCA(ctx, by, id); err != nil {
		return nil, err
	}
	return s.st.RecordAttachments(ctx, "rca", id)
}

// OpenRCAFile opens one attachment of an RCA for download (audited).
func (s *Service) OpenRCAFile(ctx context.Context, by app.Principal, rcaID, fileID int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
	r, err := s.RCA(ctx, by, rcaID)
	if err != nil {
		return store.RecordAttachment{}, nil, err
	}
	return s.openRecordFile(ctx, by, "rca", r.ID, r.HospitalID, fileID)
}

func (s *Service) openRecordFile(ctx context.Context, by app.Principal, kind string, recordID, hospitalID, fileID int64) (store.RecordAttachment, io.ReadSeekCloser, error) {
	att, err := s.st.RecordAttachmentByID(ctx, by.Scope, fileID)
	if err != nil {
		return att, nil, err
	}
	if att.RecordType != kind || att.RecordID != recordID {
		return store.RecordAttachment{}, nil, app.ErrNotFound
	}
	f, err := s.files.Open(att.SHA256)
	if err != nil {
		return att, nil, fmt.Errorf("open %s file %d: %w", kind, att.ID, err)
	}
	if err := s.st.AuditOutside(ctx, by, app.Audit{Action: kind + "_file.view", Entity: kind, EntityID: fmt.Sprint(recordID),
		HospitalID: hospitalID, Summary: map[string]any{"file": att.ID, "name": att.Name}}); err != nil {
		f.Close()
		return att, nil, err
	}
	return att, f, nil
}

// RoutingRules lists the routing rules in order. Users of some hospitals see the
// group-wide rules and their hospitals' rules.
func (s *Service) RoutingRules(ctx context.Context, by app.Principal) ([]app.RoutingRule, error) {
	if !by.Can(app.PermActionManage) {
		return nil, app.ErrForbidden
	}
	rules, err := s.st.RoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rules, func(r app.RoutingRule) bool { return r.HospitalID != 0 && !by.Scope.Allows(r.HospitalID) }), nil
}

// CanEditRule reports whether by may change a rule: group-wide rules (any hospital)
// are for PX admins, a hospital's rules for its admins (department managers work on
// actions but do not decide where everyone's actions go).
func CanEditRule(by app.Principal, r app.RoutingRule) bool {
	if !by.Can(app.PermRoutingManage) {
		return false
	}
	if r.HospitalID == 0 {
		return by.Scope.All
	}
	return by.Scope.Allows(r.HospitalID)
}

// RoutingRule returns one rule by may see.
func (s *Service) RoutingRule(ctx context.Context, by app.Principal, id int64) (app.RoutingRule, error) {
	rules, err := s.RoutingRules(ctx, by)
	if err != nil {
		return app.RoutingRule{}, err
	}
	for _, r := range rules {
		if r.ID == id {
			return r, nil
		}
	}
	return app.RoutingRule{}, app.ErrNotFound
}

// SaveRoutingRule creates (ID 0, placed last) or updates a rule.
func (s *Service) SaveRoutingRule(ctx context.Context, by app.Principal, r app.RoutingRule) (app.RoutingRule, error) {
	if !by.Can(app.PermRoutingManage) {
		return r, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	if r.HospitalID == 0 && !by.Scope.All || r.HospitalID != 0 && !by.Scope.Allows(r.HospitalID) {
		fe.Add("hospital", "err.hospital_not_allowed")
	}
	if r.Source != "" && !r.Source.Valid() {
		fe.Add("source", "err.choose_option")
	}
	if r.Severity != "" && !r.Severity.Valid() {
		fe.Add("severity", "err.choose_option")
	}
	r.Category = app.OptionalText(fe, "category", r.Category, 100)
	for field, dep := range map[string]int64{"department": r.DepartmentID, "to_department": r.ToDepartmentID} {
		if dep == 0 {
			continue
		}
		if d, err := s.st.DepartmentByID(ctx, by.Scope, dep); err != nil || (r.HospitalID != 0 && d.HospitalID != r.HospitalID) {
			fe.Add(field, "err.department_not_in_hospital")
		}
	}
	switch {
	case r.ToUserID != "" && r.ToRole != "":
		fe.Add("to_role", "err.routing_one_target")
	case r.ToUserID == "" && r.ToRole == "":
		fe.Add("to_user", "err.routing_target_required")
	case r.ToRole != "" && !slices.Contains(QueueRoles, r.ToRole):
		fe.Add("to_role", "err.choose_option")
	case r.ToUserID != "":
		if u, err := s.st.UserByID(ctx, r.ToUserID); err != nil || !u.Active ||
			!(u.Role == app.RolePXAdmin || r.HospitalID != 0 && hasHospital(u, r.HospitalID) || r.HospitalID == 0 && by.Scope.All) {
			fe.Add("to_user", "err.owner_not_in_hospital")
		}
	}
	if err := fe.Err(); err != nil {
		return r, err
	}
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		rules, err := tx.RoutingRules(ctx)
		if err != nil {
			return err
		}
		created := r.ID == 0
		if created {
			r.Position = 1
			if len(rules) > 0 {
				r.Position = rules[len(rules)-1].Position + 1
			}
		} else {
			i := slices.IndexFunc(rules, func(x app.RoutingRule) bool { return x.ID == r.ID })
			if i < 0 || !CanEditRule(by, rules[i]) {
				return app.ErrNotFound
			}
			r.Position = rules[i].Position
		}
		if err := tx.SaveRoutingRule(ctx, &r); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: app.SavedAction("routing_rule", created), Entity: "routing_rule",
			EntityID: fmt.Sprint(r.ID), HospitalID: r.HospitalID, Summary: r})
	})
	return r, err
}

// DeleteRoutingRule removes a rule.
func (s *Service) DeleteRoutingRule(ctx context.Context, by app.Principal, id int64) error {
	r, err := s.RoutingRule(ctx, by, id)
	if err != nil {
		return err
	}
	if !CanEditRule(by, r) {
		return app.ErrForbidden
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.DeleteRoutingRule(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "routing_rule.delete", Entity: "routing_rule", EntityID: fmt.Sprint(id),
			HospitalID: r.HospitalID, Summary: r})
	})
}

// MoveRoutingRule moves a rule one place up (earlier, delta -1) or down (delta +1)
// among the rules by sees; the rules are numbered 1, 2, 3 … again, keeping their order.
func (s *Service) MoveRoutingRule(ctx context.Context, by app.Principal, id int64, delta int) error {
	if delta != -1 && delta != 1 {
		return app.FieldErrors{"direction": "err.choose_option"}.Err()
	}
	r, err := s.RoutingRule(ctx, by, id)
	if err != nil {
		return err
	}
	if !CanEditRule(by, r) {
		return app.ErrForbidden
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		rules, err := tx.RoutingRules(ctx)
		if err != nil {
			return err
		}
		visible := func(x app.RoutingRule) bool { return x.HospitalID == 0 || by.Scope.Allows(x.HospitalID) }
		i := slices.IndexFunc(rules, func(x app.RoutingRule) bool { return x.ID == id })
		if i < 0 {
			return app.ErrNotFound
		}
		j := i + delta
		for j >= 0 && j < len(rules) && !visible(rules[j]) {
			j += delta
		}
		if j < 0 || j >= len(rules) {
			return nil // already first or last
		}
		rules[i], rules[j] = rules[j], rules[i]
		for k := range rules {
			if rules[k].Position != k+1 {
				rules[k].Position = k + 1
				if err := tx.SaveRoutingRule(ctx, &rules[k]); err != nil {
					return err
				}
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "routing_rule.move", Entity: "routing_rule", EntityID: fmt.Sprint(id),
			HospitalID: r.HospitalID, Summary: map[string]any{"delta": delta}})
	})
}

// Settings returns a hospital's action settings (the defaults until an admin saves them).
func (s *Service) Settings(ctx context.Context, by app.Principal, hospitalID int64) (app.ActionSettings, error) {
	if !by.Can(app.PermActionManage) {
		return app.ActionSettings{}, app.ErrForbidden
	}
	if !by.Scope.Allows(hospitalID) {
		return app.ActionSettings{}, app.ErrNotFound
	}
	if _, err := s.st.HospitalByID(ctx, by.Scope, hospitalID); err != nil {
		return app.ActionSettings{}, err
	}
	return s.st.ActionSettings(ctx, hospitalID)
}

// Approvers are the roles an approval level may name.
var Approvers = []app.Role{app.RoleDepartmentManager, app.RoleHospitalAdmin, app.RolePXAdmin}

// QueueRoles are the roles an action may wait for (the fallback queue, a rule's target).
var QueueRoles = []app.Role{app.RoleDepartmentManager, app.RoleHospitalAdmin, app.RolePXAdmin, app.RoleStaff}

// MaxApprovalLevels is the longest approval chain.
const MaxApprovalLevels = 3

// SaveSettings validates and stores a hospital's action settings: 0–3 approval levels
// (no chain: submitted work is approved at once), the fallback queue, the due hours
// of each priority (1 hour to a year) and the due-soon reminder (0–30 days before).
func (s *Service) SaveSettings(ctx context.Context, by app.Principal, set app.ActionSettings) (app.ActionSettings, error) {
	if !by.Can(app.PermRoutingManage) {
		return set, app.ErrForbidden // the approval chain is the hospital's decision, not a department's
	}
	if _, err := s.Settings(ctx, by, set.HospitalID); err != nil {
		return set, err
	}
	fe := app.FieldErrors{}
	if len(set.ApprovalRoles) > MaxApprovalLevels {
		fe.Add("approval_roles", "err.approval_levels")
	}
	for i, r := range set.ApprovalRoles {
		if !slices.Contains(Approvers, r) {
			fe.Add(fmt.Sprintf("approval_role_%d", i+1), "err.choose_option")
		}
	}
	if !slices.Contains(QueueRoles, set.FallbackRole) {
		fe.Add("fallback_role", "err.choose_option")
	}
	for _, p := range app.Priorities {
		if h := set.DueHours[p]; h < 1 || h > 8760 {
			fe.Add("due_hours_"+string(p), "err.number_range")
		}
	}
	if set.DueSoonHours < 0 || set.DueSoonHours > 720 {
		fe.Add("due_soon_hours", "err.number_range")
	}
	if err := fe.Err(); err != nil {
		return set, err
	}
	return set, s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveActionSettings(ctx, set); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "action_settings.update", Entity: "hospital", EntityID: fmt.Sprint(set.HospitalID),
			HospitalID: set.HospitalID, Summary: set})
	})
}
