package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"px360/app"
	"px360/app/complaints"
	"px360/store"
)

// complaintTexts are realistic complaint descriptions in both languages; the generator
// combines them with a place and a time so that texts differ.
var complaintTexts = []struct {
	lang   string
	title  string
	text   string
	sev    app.Severity
	thanks bool // an appreciation, not a complaint
}{
	{"ar", "تأخر الرد على جرس الاستدعاء", "الممرضات لم يستجبن لجرس الاستدعاء لأكثر من ساعة في الليل، وكان والدي يتألم.", app.SeverityHigh, false},
	{"ar", "طول الانتظار في الطوارئ", "انتظرنا في قسم الطوارئ خمس ساعات قبل أن يرانا الطبيب، ولم يخبرنا أحد بسبب التأخير.", app.SeverityMedium, false},
	{"ar", "سوء تعامل موظف الاستقبال", "موظف الاستقبال كان غير محترم وتحدث بصوت مرتفع أمام المرضى الآخرين.", app.SeverityMedium, false},
	{"ar", "خطأ في صرف الدواء", "صرفت الصيدلية جرعة مختلفة عن الوصفة الطبية، واكتشفنا ذلك في المنزل.", app.SeverityCritical, false},
	{"ar", "نظافة دورات المياه", "دورات المياه في الجناح غير نظيفة منذ يومين ولا يوجد صابون.", app.SeverityLow, false},
	{"ar", "تأجيل العملية", "تم تأجيل العملية الجراحية مرتين بسبب تأخر موافقة التأمين دون إبلاغنا مسبقاً.", app.SeverityHigh, false},
	{"ar", "شكر للطاقم الطبي", "أشكر الطبيب والممرضة على الاهتمام والشرح الواضح أثناء التنويم.", app.SeverityLow, true},
	{"en", "Call bell not answered", "The nurses did not answer the call bell for over an hour during the night shift.", app.SeverityHigh, false},
	{"en", "Long wait in the clinic", "I waited three hours past my appointment time in the outpatient clinic without any update.", app.SeverityMedium, false},
	{"en", "Billing error", "I was charged twice for the same lab tests although my insurance covers them.", app.SeverityMedium, false},
	{"en", "Lost belongings", "My mother's glasses went missing when she was moved between wards.", app.SeverityLow, false},
	{"en", "Rude behaviour", "The security guard at the entrance was rude to my elderly father.", app.SeverityMedium, false},
	{"en", "Wrong lab results sent", "I received another patient's lab report by e-mail, which is a privacy breach.", app.SeverityCritical, false},
	{"en", "Great care in maternity", "The midwives in the maternity ward were kind and professional, thank you.", app.SeverityLow, true},
}

var demoSources = []string{"patient", "family", "call_center", "moh", "chi", "social_media", "survey", "staff", "other"}

// LoadComplaints creates n complaints through the complaint service (with timelines,
// SLA clocks, outbox events and audit rows), spread over the demo hospitals and moved
// through every status, so a newcomer sees the whole workflow.
func LoadComplaints(ctx context.Context, st *store.Store, svc *complaints.Service, n int) error {
	hs, err := st.Hospitals(ctx, app.Scope{All: true})
	if err != nil || len(hs) == 0 {
		return fmt.Errorf("demo complaints need hospitals: %v", err)
	}
	rng := rand.New(rand.NewPCG(42, 7))
	by := app.Principal{Email: "demo", Role: app.RolePXAdmin, Scope: app.Scope{All: true}}
	for i := 0; i < n; i++ {
		t := complaintTexts[rng.IntN(len(complaintTexts))]
		h := hs[rng.IntN(len(hs))]
		typ := app.TypeComplaint
		if t.thanks {
			typ = app.TypeAppreciation
		}
		c, err := svc.Create(ctx, by, complaints.Input{Type: typ, HospitalID: h.ID, Severity: t.sev,
			Priority: app.Priorities[rng.IntN(len(app.Priorities))], SourceCode: demoSources[rng.IntN(len(demoSources))],
			Title: t.title, Description: t.text, ContactName: fmt.Sprintf("Demo %d", i), ContactPhone: fmt.Sprintf("+9665%08d", rng.IntN(1e8)),
			PreferredLanguage: t.lang})
		if err != nil {
			return fmt.Errorf("demo complaint %d: %w", i, err)
		}
		path := [][]complaints.Transition{
			{},
			{{To: app.StatusInProgress}},
			{{To: app.StatusOnHold, HoldReason: app.HoldPatient, Note: "Waiting for the patient's call back."}},
			{{To: app.StatusInProgress}, {To: app.StatusPartiallyResolved, Note: "Apology given; follow-up planned.", Public: true}},
			{{To: app.StatusInProgress}, {To: app.StatusResolved, Resolution: app.ResolutionFullAction, Note: "The issue was fixed.", Public: true}},
			{{To: app.StatusInProgress}, {To: app.StatusResolved, Resolution: app.ResolutionFullAction, Public: true}, {To: app.StatusClosed}},
			{{To: app.StatusCancelled, Note: "Duplicate submission."}},
		}[i%7]
		for _, tr := range path {
			if _, err := svc.Move(ctx, by, c.ID, tr); err != nil {
				return fmt.Errorf("demo complaint %d move to %s: %w", i, tr.To, err)
			}
		}
	}
	return nil
}

// bulkStart is where generated scale data begins: several years back from now.
func bulkStart(now time.Time) time.Time { return now.AddDate(-4, 0, 0) }
