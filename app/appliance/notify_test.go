package appliance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"px360/app"
	"px360/app/appliance"
	"px360/app/complaints"
	"px360/app/notify/provider/providertest"
	"px360/store"
)

// TestComplaintEventsReachPatientsAndStaff follows a complaint through the real
// appliance: its acknowledgement and status change go to the patient by SMS (at a fake
// Twilio), its assignment to the staff member by email and in-app.
func TestComplaintEventsReachPatientsAndStaff(t *testing.T) {
	ctx := context.Background()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: t.TempDir(), Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	fake := providertest.NewHTTP(t)
	a.Notify.HTTPClient = fake.Client()
	if err := a.Notify.SaveProvider(ctx, app.System, app.ChannelSMS, app.ProviderTwilio, true, map[string]string{
		"base_url": fake.URL(), "account_sid": providertest.TwilioAccountSID, "auth_token": providertest.TwilioAuthToken,
		"from": "+15005550006"}); err != nil {
		t.Fatal(err)
	}
	h, err := a.Store.HospitalByCode(ctx, app.System.Scope, "RCH")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Notify.SaveRules(ctx, app.System, app.ContactRules{HospitalID: h.ID, CapHours: 24}); err != nil { // no quiet hours: the test runs at any hour
		t.Fatal(err)
	}
	drain := func() {
		t.Helper()
		for {
			n, err := a.Outbox.Dispatch(ctx, time.Now().Add(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		if _, err := a.Notify.Run(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	c, err := a.Complaints.Create(ctx, app.System, complaints.Input{HospitalID: h.ID, SourceCode: "patient", Title: "Long wait",
		Description: "I waited four hours in the clinic.", ContactName: "محمد", ContactPhone: "0501234567", PreferredLanguage: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	drain()
	reqs := fake.Requests(providertest.KindTwilio)
	if len(reqs) != 1 || reqs[0].Recipient != "+966501234567" || !strings.Contains(reqs[0].Body, c.TrackingCode) ||
		!strings.Contains(reqs[0].Body, "تم استلام شكواك") {
		t.Fatalf("acknowledgement SMS: %+v", reqs)
	}

	assignee, err := a.Store.StaffByEmployeeNo(ctx, h.ID, "E1001")
	if err != nil || assignee.Email != "staff@px360.demo" {
		t.Fatalf("the demo staff user's staff record: %+v %v", assignee, err)
	}
	if _, err := a.Complaints.Assign(ctx, app.System, c.ID, assignee.DepartmentID, assignee.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Complaints.Move(ctx, app.System, c.ID, complaints.Transition{To: app.StatusInProgress}); err != nil {
		t.Fatal(err)
	}
	drain()
	if reqs := fake.Requests(providertest.KindTwilio); len(reqs) != 2 || !strings.Contains(reqs[1].Body, "قيد") {
		t.Fatalf("status-change SMS (Arabic status name expected): %+v", reqs)
	}
	page, err := a.Store.ListMessages(ctx, app.ListQuery{Scope: app.System.Scope}, store.MessageFilter{Key: app.NotifyComplaintAssigned})
	if err != nil || len(page.Items) != 1 || page.Items[0].Recipient != strings.ToLower(assignee.Email) {
		t.Fatalf("assignment email: %+v %v", page.Items, err)
	}
	if page.Items[0].Status != app.MessagePending || !strings.Contains(page.Items[0].LastError, "no provider") {
		t.Fatalf("with no SMTP configured the email waits: %+v", page.Items[0])
	}
	u, _, err := a.Store.UserByEmail(ctx, "staff@px360.demo")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Notify.Unread(ctx, u.ID); n != 1 {
		t.Fatalf("the assignee's bell shows %d, want 1", n)
	}

	// An SLA sweep batch: the breach goes to the assignee, an escalation to the hospital's admins.
	if err := a.Store.InTx(ctx, app.System, func(tx *store.Tx) error {
		return tx.Emit(ctx, app.EventSLAMilestones, 0, []map[string]any{
			{"complaint_id": c.ID, "hospital_id": h.ID, "milestone": app.MilestoneBreach},
			{"complaint_id": c.ID, "hospital_id": h.ID, "milestone": app.MilestoneEscalation + string(app.EscalateHospitalAdmin),
				"level": app.EscalateHospitalAdmin}})
	}); err != nil {
		t.Fatal(err)
	}
	drain()
	inbox, _ := a.Notify.Inbox(ctx, app.Principal{UserID: u.ID}, app.ListQuery{}, true)
	if len(inbox.Items) != 2 || inbox.Items[0].Key != app.NotifySLABreach {
		t.Fatalf("the assignee's inbox after a breach: %+v", inbox.Items)
	}
	admin, _, err := a.Store.UserByEmail(ctx, "hospital.admin@px360.demo")
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ = a.Notify.Inbox(ctx, app.Principal{UserID: admin.ID}, app.ListQuery{}, true)
	if len(inbox.Items) != 1 || inbox.Items[0].Key != app.NotifySLAEscalation {
		t.Fatalf("the hospital admin's inbox after an escalation: %+v", inbox.Items)
	}
}
