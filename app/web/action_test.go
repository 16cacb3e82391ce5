package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"px360/app"
	"px360/app/actions"
)

// as is the principal of the demo user of role.
func (e *env) as(role app.Role) app.Principal {
	e.t.Helper()
	u, _, err := e.a.Store.UserByEmail(context.Background(), e.emails[role])
	if err != nil {
		e.t.Fatal(err)
	}
	return app.PrincipalOf(u, "")
}

// newAction creates an action of hospital A owned by the demo user of owner (a queue
// action when owner is "").
func (e *env) newAction(owner app.Role, title string) app.Action {
	e.t.Helper()
	in := actions.Input{HospitalID: e.hospA.ID, TitleEN: title, TitleAR: "إجراء " + title, Priority: app.PriorityHigh}
	if owner != "" {
		in.OwnerUserID = e.as(owner).UserID
	}
	a, err := e.a.Actions.Create(context.Background(), e.as(app.RolePXAdmin), in)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) action(id int64) app.Action {
	e.t.Helper()
	a, err := e.a.Actions.Action(context.Background(), app.System, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) countRows(table string) int {
	e.t.Helper()
	var n int
	if err := e.store().R.QueryRow(`select count(*) from ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// postFile posts content as the multipart field "file" named name to path.
func (e *env) postFile(c *http.Client, path, name string, content []byte) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return e.do(c, "POST", path, &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

// oneLevelChain sets hospital A's approval chain to one level of hospital admins.
func (e *env) oneLevelChain() {
	e.t.Helper()
	ctx := context.Background()
	set, err := e.a.Actions.Settings(ctx, e.as(app.RolePXAdmin), e.hospA.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	set.ApprovalRoles = []app.Role{app.RoleHospitalAdmin}
	if _, err := e.a.Actions.SaveSettings(ctx, e.as(app.RolePXAdmin), set); err != nil {
		e.t.Fatal(err)
	}
}

func TestActionPagesPerRole(t *testing.T) {
	e := newEnv(t)
	a := e.newAction(app.RoleStaff, "Shorten the pharmacy queue")
	queued := e.newAction("", "Fix the call bell in ward 3")
	record := fmt.Sprintf("/actions/%d", a.ID)

	viewer := e.login(app.RoleViewer)
	if r := e.get(viewer, "/actions"); r.status != 200 || !strings.Contains(r.body, "Shorten the pharmacy queue") ||
		!strings.Contains(r.body, "Saleh Staff") || !strings.Contains(r.body, "Queue: Hospital admin") {
		t.Fatalf("viewer's list: %d %.400s", r.status, r.body)
	}
	r := e.get(viewer, record)
	if r.status != 200 || !strings.Contains(r.body, "Shorten the pharmacy queue") || strings.Contains(r.body, `name="to"`) {
		t.Fatalf("viewer's record page: %d, offers moves: %v", r.status, strings.Contains(r.body, `name="to"`))
	}
	if r := e.post(viewer, record+"/transitions", url.Values{"to": {"in_progress"}}); r.status != http.StatusForbidden ||
		!strings.Contains(r.body, "role=\"alert\"") {
		t.Fatalf("viewer moving: %d", r.status)
	}
	if got := e.action(a.ID).Status; got != app.ActionOpen {
		t.Fatalf("a refused move changed the action: %s", got)
	}
	if r := e.get(viewer, "/actions/new"); r.status != http.StatusForbidden {
		t.Fatalf("viewer's new form: %d", r.status)
	}

	staff := e.login(app.RoleStaff)
	r = e.get(staff, record)
	if r.status != 200 || !strings.Contains(r.body, `value="in_progress"`) || !strings.Contains(r.body, "Attach evidence") {
		t.Fatalf("owner's record page: %d %.300s", r.status, r.body)
	}
	if r := e.post(staff, record+"/transitions", url.Values{"to": {"in_progress"}, "note": {"on it"}}); r.status != http.StatusSeeOther {
		t.Fatalf("owner starting work: %d %.300s", r.status, r.body)
	}
	if got := e.action(a.ID).Status; got != app.ActionInProgress {
		t.Fatalf("status %s", got)
	}
	// A move the workflow does not allow: 409 with the message, nothing changed.
	r = e.post(staff, record+"/transitions", url.Values{"to": {"closed"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "not possible in the action") {
		t.Fatalf("closing an action in progress: %d", r.status)
	}
	if got := e.action(a.ID).Status; got != app.ActionInProgress {
		t.Fatalf("status %s after a refused move", got)
	}
	// Someone else's action: no work, no taking.
	if r := e.post(staff, fmt.Sprintf("/actions/%d/transitions", queued.ID), url.Values{"to": {"in_progress"}}); r.status != http.StatusForbidden {
		t.Fatalf("staff taking the hospital admins' queue: %d", r.status)
	}
	// Comments, and the filter "mine".
	if r := e.post(staff, record+"/comments", url.Values{"comment": {"Ordered a second screen"}}); r.status != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.status)
	}
	if r := e.post(staff, record+"/comments", url.Values{"comment": {" "}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty comment: %d", r.status)
	}
	if r := e.get(staff, record); !strings.Contains(r.body, "Ordered a second screen") {
		t.Fatal("the comment is not on the timeline")
	}
	if r := e.get(staff, "/actions?owner=me"); !strings.Contains(r.body, "Shorten the pharmacy queue") || strings.Contains(r.body, "call bell") {
		t.Fatal("the filter mine")
	}

	// The hospital admin takes the queued action from the queue.
	admin := e.login(app.RoleHospitalAdmin)
	r = e.get(admin, fmt.Sprintf("/actions/%d", queued.ID))
	if !strings.Contains(r.body, "Take it") {
		t.Fatalf("no take-it button for the queue's role: %.300s", r.body)
	}
	if r := e.post(admin, fmt.Sprintf("/actions/%d/transitions", queued.ID), url.Values{"to": {"in_progress"}}); r.status != http.StatusSeeOther {
		t.Fatalf("take it: %d", r.status)
	}
	if got := e.action(queued.ID); got.Status != app.ActionInProgress || got.OwnerUserID != e.as(app.RoleHospitalAdmin).UserID {
		t.Fatalf("taken: %+v", got)
	}
	// Assign needs a manager; back to the queue and to the staff member.
	if r := e.post(staff, fmt.Sprintf("/actions/%d/assign", queued.ID), url.Values{"owner": {"queue"}}); r.status != http.StatusForbidden {
		t.Fatalf("staff assigning: %d", r.status)
	}
	if r := e.post(admin, fmt.Sprintf("/actions/%d/assign", queued.ID), url.Values{"owner": {e.as(app.RoleStaff).UserID}}); r.status != http.StatusSeeOther {
		t.Fatalf("assign: %d %.300s", r.status, r.body)
	}
	if got := e.action(queued.ID); got.OwnerUserID != e.as(app.RoleStaff).UserID {
		t.Fatalf("assigned to %q", got.OwnerUserID)
	}
	// Arabic: the title in Arabic, the page right to left.
	ar := e.login(app.RoleViewer)
	e.post(ar, "/language", url.Values{"lang": {"ar"}, "next": {"/actions"}})
	if r := e.get(ar, "/actions"); !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "إجراء Shorten the pharmacy queue") {
		t.Fatalf("the Arabic list: %.300s", r.body)
	}
}

func TestActionOfAnotherHospitalIsNotFound(t *testing.T) {
	e := newEnv(t)
	b, err := e.a.Actions.Create(context.Background(), e.as(app.RolePXAdmin), actions.Input{HospitalID: e.hospB.ID, TitleEN: "Hospital B's action"})
	if err != nil {
		t.Fatal(err)
	}
	admin := e.login(app.RoleHospitalAdmin)
	if r := e.get(admin, fmt.Sprintf("/actions/%d", b.ID)); r.status != http.StatusNotFound {
		t.Fatalf("record: %d", r.status)
	}
	if r := e.get(admin, "/actions"); strings.Contains(r.body, "Hospital B's action") {
		t.Fatal("listed")
	}
	if r := e.postJSON(e.client(), "GET", fmt.Sprintf("/api/v1/actions/%d", b.ID), e.token(app.RoleHospitalAdmin), nil); r.status != http.StatusNotFound {
		t.Fatalf("API: %d", r.status)
	}
}

func TestActionCreateForm(t *testing.T) {
	e := newEnv(t)
	admin := e.login(app.RoleHospitalAdmin)
	form := url.Values{"hospital": {fmt.Sprint(e.hospA.ID)}, "title_en": {"Reduce noise at night"}, "severity": {"medium"},
		"priority": {"whenever"}, "source": {"manual"}}
	r := e.post(admin, "/actions", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-priority-error"`) ||
		!strings.Contains(r.body, "Reduce noise at night") {
		t.Fatalf("bad priority: %d %.300s", r.status, r.body)
	}
	if n := e.countRows("actions"); n != 0 {
		t.Fatalf("%d actions after a refused form", n)
	}
	form.Set("priority", "urgent")
	form.Set("owner", e.as(app.RoleStaff).UserID)
	r = e.post(admin, "/actions", form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/actions/") {
		t.Fatalf("create: %d %.300s", r.status, r.body)
	}
	page := e.get(admin, r.header.Get("Location"))
	if !strings.Contains(page.body, "Reduce noise at night") || !strings.Contains(page.body, "Saleh Staff") ||
		!strings.Contains(page.body, "Action created.") {
		t.Fatalf("the new action's page: %.400s", page.body)
	}

	// From a complaint: the complaint page links to a prefilled form; one action per complaint.
	c := e.createDirect(e.hospA, "The ward was too noisy at night.")
	cp := e.get(admin, fmt.Sprintf("/complaints/%d", c.ID))
	link := fmt.Sprintf("/actions/new?hospital=%d&amp;source=complaint&amp;source_id=%d", c.HospitalID, c.ID)
	if !strings.Contains(cp.body, link) {
		t.Fatalf("the complaint page has no create-action link %q", link)
	}
	nf := e.get(admin, strings.ReplaceAll(link, "&amp;", "&"))
	if nf.status != 200 || !strings.Contains(nf.body, fmt.Sprintf(`value="%d"`, c.ID)) {
		t.Fatalf("prefilled form: %d", nf.status)
	}
	from := url.Values{"hospital": {fmt.Sprint(e.hospA.ID)}, "title_en": {"Quiet hours"}, "severity": {"high"}, "priority": {"high"},
		"source": {"complaint"}, "source_id": {fmt.Sprint(c.ID)}}
	if r := e.post(admin, "/actions", from); r.status != http.StatusSeeOther {
		t.Fatalf("from the complaint: %d %.300s", r.status, r.body)
	}
	if r := e.post(admin, "/actions", from); r.status != http.StatusConflict || !strings.Contains(r.body, "already exists") {
		t.Fatalf("a second action for the complaint: %d", r.status)
	}
	if r := e.get(admin, "/actions?source=complaint"); !strings.Contains(r.body, fmt.Sprintf(`href="/complaints/%d"`, c.ID)) ||
		strings.Contains(r.body, "Reduce noise at night") {
		t.Fatal("the source filter and the link to the complaint")
	}
	// Staff may not create.
	if r := e.post(e.login(app.RoleStaff), "/actions", form); r.status != http.StatusForbidden {
		t.Fatalf("staff creating: %d", r.status)
	}
}

type apiErr struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decodeAPI[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return v
}

func TestActionAPIWorkflow(t *testing.T) {
	e := newEnv(t)
	e.oneLevelChain()
	a := e.newAction(app.RoleStaff, "Signage to the clinics")
	path := fmt.Sprintf("/api/v1/actions/%d/transitions", a.ID)
	staff, manager, admin := e.token(app.RoleStaff), e.token(app.RoleDepartmentManager), e.token(app.RoleHospitalAdmin)
	move := func(token string, body map[string]any) response {
		t.Helper()
		return e.postJSON(e.client(), "POST", path, token, body)
	}
	type body struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		Approvals []struct {
			Level     int    `json:"level"`
			Role      string `json:"role"`
			Approved  bool   `json:"approved"`
			DecidedBy string `json:"decided_by"`
		} `json:"approvals"`
		Evidence []struct {
			Name string `json:"name"`
			Size int64  `json:"size"`
		} `json:"evidence"`
	}

	if r := move(staff, map[string]any{"to": "in_progress"}); r.status != 200 || decodeAPI[body](t, r).Status != "in_progress" {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	r := move(staff, map[string]any{"to": "pending_approval"})
	if er := decodeAPI[apiErr](t, r); r.status != http.StatusConflict || er.Error.Code != app.EConflict || !strings.Contains(er.Error.Message, "evidence") {
		t.Fatalf("submit without evidence: %d %s", r.status, r.body)
	}
	if e.action(a.ID).Status != app.ActionInProgress {
		t.Fatal("a refused submission changed the status")
	}
	if r := move(staff, map[string]any{"to": "sideways"}); r.status != http.StatusUnprocessableEntity || decodeAPI[apiErr](t, r).Error.Fields["to"] == "" {
		t.Fatalf("unknown status: %d %s", r.status, r.body)
	}

	// Evidence through the record page, then the download.
	owner := e.login(app.RoleStaff)
	content := []byte("Signs ordered and installed on 3 floors.\n")
	if r := e.postFile(owner, fmt.Sprintf("/actions/%d/evidence", a.ID), "signs.txt", content); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	if r := e.postFile(owner, fmt.Sprintf("/actions/%d/evidence", a.ID), "page.html", []byte("<html><script>alert(1)</script></html>")); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "f-file-error") {
		t.Fatalf("an HTML file: %d", r.status)
	}
	ev, _ := e.a.Actions.Evidence(context.Background(), app.System, a.ID)
	if len(ev) != 1 {
		t.Fatalf("%d evidence files", len(ev))
	}
	dl := e.get(e.login(app.RoleViewer), fmt.Sprintf("/actions/%d/evidence/%d", a.ID, ev[0].ID))
	if dl.status != 200 || dl.body != string(content) || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(dl.header.Get("Content-Disposition"), "signs.txt") || dl.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %q %v", dl.status, dl.body, dl.header)
	}
	if r := e.get(owner, fmt.Sprintf("/actions/%d/evidence/%d", a.ID+1000, ev[0].ID)); r.status != http.StatusNotFound {
		t.Fatalf("the file under another action: %d", r.status)
	}

	r = move(staff, map[string]any{"to": "pending_approval", "note": "done"})
	got := decodeAPI[body](t, r)
	if r.status != 200 || got.Status != "pending_approval" || len(got.Approvals) != 1 || got.Approvals[0].Role != "hospital-admin" ||
		len(got.Evidence) != 1 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	r = move(manager, map[string]any{"action": "approve"})
	if er := decodeAPI[apiErr](t, r); r.status != http.StatusForbidden || er.Error.Code != app.EForbidden || er.Error.Message == "" {
		t.Fatalf("a manager outside the chain approving: %d %s", r.status, r.body)
	}
	r = move(admin, map[string]any{"action": "reject"})
	if er := decodeAPI[apiErr](t, r); r.status != http.StatusUnprocessableEntity || er.Error.Fields["comment"] == "" {
		t.Fatalf("reject without a comment: %d %s", r.status, r.body)
	}
	if e.action(a.ID).Status != app.ActionPendingApproval {
		t.Fatal("refused decisions changed the action")
	}
	if r := move(admin, map[string]any{"action": "approve", "comment": "Good"}); r.status != 200 || decodeAPI[body](t, r).Status != "approved" {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if r := move(staff, map[string]any{"to": "closed"}); r.status != 200 || decodeAPI[body](t, r).Status != "closed" {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	r = e.postJSON(e.client(), "GET", fmt.Sprintf("/api/v1/actions/%d", a.ID), e.token(app.RoleViewer), nil)
	if got := decodeAPI[body](t, r); r.status != 200 || got.Status != "closed" || !got.Approvals[0].Approved || got.Approvals[0].DecidedBy == "" {
		t.Fatalf("the closed action: %s", r.body)
	}
	if r := e.postJSON(e.client(), "POST", path, e.token(app.RoleViewer), map[string]any{"to": "in_progress"}); r.status != http.StatusForbidden {
		t.Fatalf("a viewer moving: %d", r.status)
	}
}

func TestActionRejectOnThePage(t *testing.T) {
	e := newEnv(t)
	e.oneLevelChain()
	a := e.newAction(app.RoleStaff, "Wheelchairs at the entrance")
	ctx, owner := context.Background(), e.as(app.RoleStaff)
	e.a.Actions.Move(ctx, owner, a.ID, app.ActionInProgress, "")
	e.a.Actions.AddEvidence(ctx, owner, a.ID, "photo.txt", strings.NewReader("two chairs"))
	if _, err := e.a.Actions.Move(ctx, owner, a.ID, app.ActionPendingApproval, ""); err != nil {
		t.Fatal(err)
	}
	record := fmt.Sprintf("/actions/%d", a.ID)
	manager := e.login(app.RoleDepartmentManager)
	if r := e.get(manager, record); strings.Contains(r.body, `value="approve"`) {
		t.Fatal("the decision form is shown to someone outside the chain")
	}
	if r := e.post(manager, record+"/decision", url.Values{"decision": {"approve"}}); r.status != http.StatusForbidden ||
		!strings.Contains(r.body, "may not decide") {
		t.Fatalf("outside the chain: %d", r.status)
	}
	admin := e.login(app.RoleHospitalAdmin)
	if r := e.get(admin, record); !strings.Contains(r.body, `value="approve"`) || !strings.Contains(r.body, "Waiting") {
		t.Fatal("no decision form for the approver")
	}
	if r := e.post(admin, record+"/decision", url.Values{"decision": {"reject"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `id="f-decision_comment-error"`) {
		t.Fatalf("reject without a comment: %d", r.status)
	}
	if r := e.post(admin, record+"/decision", url.Values{"decision": {"reject"}, "decision_comment": {"Four are needed"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reject: %d", r.status)
	}
	if got := e.action(a.ID); got.Status != app.ActionRejected {
		t.Fatalf("status %s", got.Status)
	}
	// The owner resumes, adds more, submits again: the old round is greyed.
	e.a.Actions.Move(ctx, owner, a.ID, app.ActionInProgress, "")
	e.a.Actions.AddEvidence(ctx, owner, a.ID, "more.txt", strings.NewReader("four chairs"))
	e.a.Actions.Move(ctx, owner, a.ID, app.ActionPendingApproval, "")
	if r := e.get(admin, record); !strings.Contains(r.body, "act-superseded") || !strings.Contains(r.body, "Four are needed") {
		t.Fatalf("the earlier round: %.300s", r.body)
	}
}

func TestActionAPIList(t *testing.T) {
	e := newEnv(t)
	var ids []int64
	for i := range 3 {
		ids = append(ids, e.newAction(app.RoleStaff, fmt.Sprint("Action ", i)).ID)
	}
	token := e.token(app.RoleViewer)
	type page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		NextCursor int64 `json:"next_cursor"`
	}
	r := e.postJSON(e.client(), "GET", "/api/v1/actions?source_type=manual&limit=2", token, nil)
	p := decodeAPI[page](t, r)
	if r.status != 200 || len(p.Items) != 2 || p.Items[0].ID != ids[2] || p.NextCursor != ids[1] {
		t.Fatalf("first page: %s", r.body)
	}
	r = e.postJSON(e.client(), "GET", fmt.Sprintf("/api/v1/actions?limit=2&cursor=%d", p.NextCursor), token, nil)
	if p := decodeAPI[page](t, r); len(p.Items) != 1 || p.Items[0].ID != ids[0] || p.NextCursor != 0 {
		t.Fatalf("second page: %s", r.body)
	}
	for _, q := range []string{"status=done", "source_type=rumour", "cursor=x"} {
		if r := e.postJSON(e.client(), "GET", "/api/v1/actions?"+q, token, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	if r := e.postJSON(e.client(), "GET", "/api/v1/actions?source_type=complaint&source_id=1", token, nil); len(decodeAPI[page](t, r).Items) != 0 {
		t.Errorf("by source: %s", r.body)
	}
}

func TestRoutingRulesAndSettings(t *testing.T) {
	e := newEnv(t)
	admin := e.login(app.RoleHospitalAdmin)
	hosp := fmt.Sprint(e.hospA.ID)
	if r := e.get(admin, "/admin/routing"); r.status != 200 || !strings.Contains(r.body, "Department manager → Hospital admin") {
		t.Fatalf("routing page: %d", r.status)
	}
	if r := e.post(admin, "/admin/routing/rules/new", url.Values{"hospital": {hosp}, "active": {"1"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "f-to_user-error") {
		t.Fatalf("a rule going nowhere: %d", r.status)
	}
	if r := e.post(admin, "/admin/routing/rules/new", url.Values{"to_role": {"staff"}, "active": {"1"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a group-wide rule by a hospital admin: %d", r.status)
	}
	for _, v := range []url.Values{
		{"hospital": {hosp}, "source": {"survey"}, "to_role": {"department-manager"}, "active": {"1"}},
		{"hospital": {hosp}, "severity": {"critical"}, "to_user": {e.as(app.RoleHospitalAdmin).UserID}, "active": {"1"}},
	} {
		if r := e.post(admin, "/admin/routing/rules/new", v); r.status != http.StatusSeeOther {
			t.Fatalf("add rule: %d %.300s", r.status, r.body)
		}
	}
	rules, _ := e.store().RoutingRules(context.Background())
	if len(rules) != 2 || rules[0].Source != app.ActionFromSurvey || rules[1].Severity != app.SeverityCritical {
		t.Fatalf("rules: %+v", rules)
	}
	if r := e.post(admin, fmt.Sprintf("/admin/routing/rules/%d/move", rules[1].ID), url.Values{"direction": {"up"}}); r.status != http.StatusSeeOther {
		t.Fatalf("move up: %d", r.status)
	}
	moved, _ := e.store().RoutingRules(context.Background())
	if moved[0].ID != rules[1].ID || moved[1].ID != rules[0].ID {
		t.Fatalf("after moving up: %+v", moved)
	}
	// The critical rule now wins for a critical action.
	a, _ := e.a.Actions.Create(context.Background(), e.as(app.RoleHospitalAdmin), actions.Input{HospitalID: e.hospA.ID, TitleEN: "x",
		Source: app.ActionFromManual, Severity: app.SeverityCritical})
	if a.OwnerUserID != e.as(app.RoleHospitalAdmin).UserID {
		t.Fatalf("routed to %+v", a)
	}
	if r := e.post(admin, fmt.Sprintf("/admin/routing/rules/%d", rules[0].ID), url.Values{"hospital": {hosp}, "source": {"social"},
		"to_role": {"staff"}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.status)
	}
	if r := e.post(admin, fmt.Sprintf("/admin/routing/rules/%d/delete", rules[1].ID), nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	left, _ := e.store().RoutingRules(context.Background())
	if len(left) != 1 || left[0].Source != app.ActionFromSocial || left[0].Active {
		t.Fatalf("after edit and delete: %+v", left)
	}
	if r := e.get(e.login(app.RoleStaff), "/admin/routing"); r.status != http.StatusForbidden {
		t.Fatalf("staff: %d", r.status)
	}

	// Settings: one level, new due hours; a viewer role as approver is refused.
	settings := "/admin/routing/settings/" + hosp
	form := url.Values{"approval_role_1": {"hospital-admin"}, "fallback_role": {"department-manager"}, "due_hours_low": {"400"},
		"due_hours_medium": {"200"}, "due_hours_high": {"٤٨"}, "due_hours_urgent": {"8"}, "due_soon_hours": {"12"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("approval_role_2", "viewer")
	bad.Set("due_hours_urgent", "0")
	if r := e.post(admin, settings, bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "f-due_hours_urgent-error") {
		t.Fatalf("bad settings: %d", r.status)
	}
	if r := e.post(admin, settings, form); r.status != http.StatusSeeOther {
		t.Fatalf("settings: %d %.300s", r.status, r.body)
	}
	set, _ := e.store().ActionSettings(context.Background(), e.hospA.ID)
	if len(set.ApprovalRoles) != 1 || set.ApprovalRoles[0] != app.RoleHospitalAdmin || set.DueHours[app.PriorityHigh] != 48 ||
		set.FallbackRole != app.RoleDepartmentManager || set.DueSoonHours != 12 {
		t.Fatalf("saved settings: %+v", set)
	}
	if r := e.get(admin, fmt.Sprintf("/admin/routing/settings/%d", e.hospB.ID)); r.status != http.StatusNotFound {
		t.Fatalf("hospital B's settings: %d", r.status)
	}
}

func TestRCAEditorAndClosing(t *testing.T) {
	e := newEnv(t)
	admin := e.login(app.RoleHospitalAdmin)
	if r := e.post(admin, "/rcas", url.Values{"hospital": {fmt.Sprint(e.hospB.ID)}, "title": {"x"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("another hospital: %d", r.status)
	}
	r := e.post(admin, "/rcas", url.Values{"hospital": {fmt.Sprint(e.hospA.ID)}, "title": {"Medication delays"},
		"problem": {"Doses given late on ward 4"}, "likelihood": {"4"}, "impact": {"4"}, "links": {"complaint 12\naction: 3"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %.300s", r.status, r.body)
	}
	record := r.header.Get("Location")
	var rcaID int64
	if _, err := fmt.Sscanf(record, "/rcas/%d", &rcaID); err != nil {
		t.Fatalf("redirect to %q", record)
	}
	page := e.get(admin, record)
	if page.status != 200 || !strings.Contains(page.body, "Risk 16 · Extreme") || !strings.Contains(page.body, "action 3\ncomplaint 12") {
		t.Fatalf("editor: %d %.500s", page.status, page.body)
	}
	for _, to := range []string{"in_progress", "review"} {
		if r := e.post(admin, record+"/transitions", url.Values{"to": {to}}); r.status != http.StatusSeeOther {
			t.Fatalf("to %s: %d", to, r.status)
		}
	}
	r = e.post(admin, record+"/transitions", url.Values{"to": {"closed"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "closes only with") {
		t.Fatalf("closing an empty RCA: %d", r.status)
	}
	staffID := e.as(app.RoleStaff).UserID
	edit := url.Values{"title": {"Medication delays"}, "problem": {"Doses given late on ward 4"}, "likelihood": {"4"}, "impact": {"3"},
		"links": {"complaint 12"}, "team": {staffID}, "cause_rows": {"2"}, "ca_rows": {"2"},
		"cause_category_1": {"process"}, "cause_text_1": {"No double check at dispensing"}, "cause_why_1_1": {"Busy"},
		"cause_why_1_2": {"Understaffed at peak"}, "ca_text_0": {"Add a pharmacist at peak hours"}, "ca_owner_0": {staffID},
		"ca_due_0": {"2030-01-31"}, "ca_status_0": {"open"}}
	for field, bad := range map[string][2]string{"ca_effect_0": {"ca_effect_0", "9"}, "cause_text_1": {"cause_category_1", ""}} {
		form := url.Values{}
		for k, v := range edit {
			form[k] = v
		}
		form.Set(bad[0], bad[1])
		if r := e.post(admin, record, form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-`+field+`-error"`) ||
			!strings.Contains(r.body, "Add a pharmacist at peak hours") {
			t.Fatalf("%s=%q: %d, no error beside %s", bad[0], bad[1], r.status, field)
		}
	}
	if got, _ := e.a.Actions.RCA(context.Background(), app.System, rcaID); len(got.RootCauses) != 0 {
		t.Fatal("a refused save changed the RCA")
	}
	if r := e.post(admin, record, edit); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", r.status, r.body)
	}
	if r := e.postFile(admin, record+"/files", "minutes.txt", []byte("meeting minutes")); r.status != http.StatusSeeOther {
		t.Fatalf("file: %d", r.status)
	}
	if r := e.post(admin, record+"/transitions", url.Values{"to": {"closed"}, "note": {"done"}}); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d %.300s", r.status, r.body)
	}
	rep := e.get(e.login(app.RoleViewer), record+"/report")
	for _, want := range []string{"No double check at dispensing", "Understaffed at peak", "Add a pharmacist at peak hours", "Saleh Staff",
		"minutes.txt", "Closed", "Risk 12 · High"} {
		if !strings.Contains(rep.body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Closed: no editor, and the viewer never gets one.
	if r := e.get(admin, record); strings.Contains(r.body, `name="cause_text_0"`) {
		t.Error("a closed RCA is still editable")
	}
	if r := e.post(e.login(app.RoleViewer), record, edit); r.status != http.StatusForbidden {
		t.Errorf("viewer saving: %d", r.status)
	}
	// The corrective action's owner had it on their work list while it was open.
	if r := e.get(admin, "/rcas"); !strings.Contains(r.body, "Medication delays") {
		t.Error("not listed")
	}
}

func TestMyWork(t *testing.T) {
	e := newEnv(t)
	a := e.newAction(app.RoleStaff, "Train the reception team")
	e.newAction(app.RoleViewer, "Someone else's")
	ctx := context.Background()
	r, err := e.a.Actions.SaveRCA(ctx, e.as(app.RoleHospitalAdmin), app.RCA{HospitalID: e.hospA.ID, Title: "Falls",
		CorrectiveActions: []app.CorrectiveAction{{Text: "Non-slip mats in bathrooms", OwnerUserID: e.as(app.RoleStaff).UserID}}})
	if err != nil {
		t.Fatal(err)
	}
	page := e.get(e.login(app.RoleStaff), "/my-work")
	for _, want := range []string{"Train the reception team", fmt.Sprintf(`href="/actions/%d"`, a.ID), "Non-slip mats in bathrooms",
		fmt.Sprintf(`href="/rcas/%d"`, r.ID), "RCA task"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("my work lacks %q", want)
		}
	}
	if strings.Contains(page.body, "Someone else") {
		t.Error("another user's action on my work")
	}
	if r := e.get(e.login(app.RoleViewer), "/my-work"); r.status != 200 || !strings.Contains(r.body, "Someone else") {
		t.Errorf("the viewer's work: %d", r.status)
	}
	// The nav offers it to everyone signed in.
	if !strings.Contains(page.body, `href="/my-work"`) {
		t.Error("no link in the navigation")
	}
}
