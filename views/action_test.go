package views

import (
	"strconv"
	"testing"

	"px360/app"
	"px360/app/actions"
)

// TestActionNamesAreTranslated checks the message families the action, RCA and my-work
// pages build from values: every status, source, category, band, link type and work
// kind the product can hold has a name in both languages.
func TestActionNamesAreTranslated(t *testing.T) {
	var want []string
	for _, s := range app.ActionStatuses {
		want = append(want, "action.status."+string(s))
		for _, to := range s.Moves() {
			if to != app.ActionInProgress || s == app.ActionOpen {
				want = append(want, "action.move."+string(to))
			}
		}
	}
	for _, s := range app.ActionSources {
		want = append(want, "action.source."+string(s))
	}
	for _, st := range []app.SLAState{app.SLAOnTime, app.SLADueSoon, app.SLABreached} {
		want = append(want, "action.due."+string(st))
	}
	for _, k := range []string{"created", "status", "assigned", "unassigned", "approved", "rejected", "comment", "evidence", "signal", "overdue"} {
		want = append(want, "action.timeline."+k)
	}
	for i, s := range app.RCAStatuses {
		want = append(want, "rca.status."+s)
		if i > 0 {
			want = append(want, "rca.move."+s)
		}
	}
	for _, c := range app.RootCauseCategories {
		want = append(want, "rca.category."+string(c))
	}
	for _, score := range []int{1, 5, 9, 10, 15, 25} {
		want = append(want, "rca.band."+app.RiskBand(score))
	}
	for _, l := range actions.RCALinkTypes {
		want = append(want, "rca.link."+l)
	}
	for i := 1; i <= 5; i++ {
		want = append(want, "rca.effect."+strconv.Itoa(i))
	}
	for i := 1; i <= RCAWhys; i++ {
		want = append(want, "rca.field.why_"+strconv.Itoa(i))
	}
	for i := 1; i <= actions.MaxApprovalLevels; i++ {
		want = append(want, "routing.field.level_"+strconv.Itoa(i))
	}
	for _, p := range app.Priorities {
		want = append(want, "routing.field.due_"+string(p))
	}
	for _, k := range []string{"complaint", "action", "approval", "rca_task", "explanation"} {
		want = append(want, "mywork.kind."+k)
	}
	for _, s := range []string{"open", "done"} {
		want = append(want, "rca.task."+s)
	}
	for _, key := range want {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s has no translation", key)
		}
	}
}
