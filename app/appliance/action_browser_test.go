package appliance_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"px360/app"
	"px360/app/actions"
	"px360/app/appliance"
	"px360/app/demo"
)

// TestActionBrowser walks an improvement action through its workflow in headless
// Chromium, the way its people would: the owner (the demo staff user) starts work,
// attaches an evidence file on the record page and submits it for approval; the hospital
// admin (the one level of the hospital's approval chain) approves and closes it; the
// record page then shows it closed, with the evidence and the decision.
func TestActionBrowser(t *testing.T) {
	chromium := findChromium(t)
	a, base, _ := startAppliance(t, true)
	action := prepareAction(t, a)
	record := fmt.Sprintf("%s/actions/%d", base, action.ID)
	evidence := filepath.Join(t.TempDir(), "new-signage.txt")
	if err := os.WriteFile(evidence, []byte("Signs to the clinics installed on floors 1 to 3.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, chromium)

	signIn := func(t *testing.T, email string) {
		t.Helper()
		b.do(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
		if status := b.load(t, chromedp.Submit(chromedp.CSS("#password"))); status != 200 {
			t.Fatalf("sign in as %s: status %d", email, status)
		}
	}
	press := func(t *testing.T, sel string, want int64) {
		t.Helper()
		b.waitVisible(t, sel)
		if status := b.load(t, chromedp.Click(chromedp.CSS(sel))); status != want {
			t.Fatalf("%s: status %d, want %d", sel, status, want)
		}
	}
	status := func(t *testing.T, want string) {
		t.Helper()
		if got := b.text(t, ".record-status .badge"); got != want {
			t.Errorf("status badge %q, want %q", got, want)
		}
	}

	steps := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"owner starts work", func(t *testing.T) {
			signIn(t, "staff@px360.demo")
			if st := b.load(t, chromedp.Navigate(record)); st != 200 {
				t.Fatalf("record page: %d", st)
			}
			status(t, "Open")
			press(t, `button[name="to"][value="in_progress"]`, 200)
			status(t, "In progress")
		}},
		{"submitting without evidence is refused", func(t *testing.T) {
			press(t, `button[name="to"][value="pending_approval"]`, 409)
			b.waitVisible(t, "div.alert[role=alert]")
			if got := b.text(t, "div.alert[role=alert]"); !strings.Contains(got, "evidence") {
				t.Errorf("alert %q", got)
			}
			status(t, "In progress")
		}},
		{"owner attaches evidence", func(t *testing.T) {
			b.do(t, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{evidence}))
			press(t, `form[action$="/evidence"] button[type=submit]`, 200)
			b.waitVisible(t, `#evidence a[download]`)
			if got := b.text(t, "#evidence a[download]"); got != "new-signage.txt" {
				t.Errorf("evidence listed as %q", got)
			}
		}},
		{"owner submits for approval", func(t *testing.T) {
			press(t, `button[name="to"][value="pending_approval"]`, 200)
			status(t, "Pending approval")
			if n := eval[int](t, b, `document.querySelectorAll('button[name="decision"]').length`); n != 0 {
				t.Error("the owner is offered the approval decision")
			}
			press(t, ".user-menu form button", 200) // sign out
		}},
		{"hospital admin approves", func(t *testing.T) {
			signIn(t, "hospital.admin@px360.demo")
			b.do(t, chromedp.Navigate(record))
			b.waitVisible(t, `#f-decision_comment`)
			b.do(t, chromedp.SendKeys(chromedp.CSS("#f-decision_comment"), "Checked on a walk-round."))
			press(t, `button[name="decision"][value="approve"]`, 200)
			status(t, "Approved")
			if got := b.text(t, "#approvals tbody tr td:nth-child(3)"); got != "Approved" {
				t.Errorf("level 1 decision %q", got)
			}
		}},
		{"and closes it", func(t *testing.T) {
			press(t, `button[name="to"][value="closed"]`, 200)
			status(t, "Closed")
			b.waitVisible(t, "div.flash")
			b.screenshot(t, "px360-action-closed.png")
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) {
			return // each step starts where the one before left the browser
		}
	}
	if got, err := a.Actions.Action(context.Background(), app.System, action.ID); err != nil || got.Status != app.ActionClosed {
		t.Fatalf("stored status %s (%v)", got.Status, err)
	}
}

// prepareAction sets hospital RCH's approval chain to one level of hospital admins and
// creates an action there owned by the demo staff user, through the services.
func prepareAction(t *testing.T, a *appliance.App) app.Action {
	t.Helper()
	ctx := context.Background()
	principal := func(email string) app.Principal {
		u, _, err := a.Store.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return app.PrincipalOf(u, "")
	}
	admin, staff := principal("admin@px360.demo"), principal("staff@px360.demo")
	h, err := a.Store.HospitalByCode(ctx, app.System.Scope, "RCH")
	if err != nil {
		t.Fatal(err)
	}
	set, err := a.Actions.Settings(ctx, admin, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	set.ApprovalRoles = []app.Role{app.RoleHospitalAdmin}
	if _, err := a.Actions.SaveSettings(ctx, admin, set); err != nil {
		t.Fatal(err)
	}
	act, err := a.Actions.Create(ctx, admin, actions.Input{HospitalID: h.ID, OwnerUserID: staff.UserID, TitleEN: "Clearer signage to the clinics",
		TitleAR: "لوحات إرشادية أوضح إلى العيادات", Priority: app.PriorityHigh})
	if err != nil {
		t.Fatal(err)
	}
	return act
}
