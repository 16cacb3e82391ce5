package taxonomy

import (
	"context"
	"fmt"

	"px360/app"
	"px360/store"
)

// defaultsVersion is recorded when the defaults are loaded, so they load once: later
// edits by admins are never overwritten.
const defaultsVersion = "1"

// node is one default category and its children.
type node struct {
	code, en, ar   string
	descEN, descAR string
	kids           []node
}

// defaultTaxonomy is the taxonomy a new installation starts with: eight domains of what
// patients complain about in Saudi hospitals, in the SHCT's four levels. Admins adapt it;
// nodes are deactivated, never deleted.
var defaultTaxonomy = []node{
	{code: "CLINICAL", en: "Clinical care", ar: "الرعاية السريرية",
		descEN: "Diagnosis, treatment, nursing care, patient safety and discharge.",
		descAR: "التشخيص والعلاج والرعاية التمريضية وسلامة المرضى والخروج.",
		kids: []node{
			{code: "DIAGNOSIS", en: "Diagnosis and assessment", ar: "التشخيص والتقييم", kids: []node{
				{code: "DELAYED", en: "Delayed diagnosis", ar: "تأخر التشخيص"},
				{code: "WRONG", en: "Wrong or missed diagnosis", ar: "تشخيص خاطئ أو غير مكتشف"},
			}},
			{code: "TREATMENT", en: "Treatment and procedures", ar: "العلاج والإجراءات", kids: []node{
				{code: "DELAYED", en: "Delayed treatment", ar: "تأخر العلاج", kids: []node{
					{code: "EMERGENCY", en: "In the emergency department", ar: "في قسم الطوارئ"},
					{code: "INPATIENT", en: "On the ward", ar: "أثناء التنويم"},
					{code: "OUTPATIENT", en: "In the outpatient clinics", ar: "في العيادات الخارجية"},
				}},
				{code: "COMPLICATION", en: "Complication after a procedure", ar: "مضاعفات بعد إجراء طبي"},
				{code: "SURGERY", en: "Surgery", ar: "العمليات الجراحية", kids: []node{
					{code: "POSTPONED", en: "Surgery cancelled or postponed", ar: "إلغاء العملية أو تأجيلها"},
					{code: "POSTOP", en: "Post-operative care", ar: "الرعاية بعد العملية"},
				}},
			}},
			{code: "NURSING", en: "Nursing care", ar: "الرعاية التمريضية", kids: []node{
				{code: "CALL_BELL", en: "Slow response to the call bell", ar: "بطء الاستجابة لجرس النداء"},
				{code: "PAIN", en: "Pain not relieved", ar: "عدم تخفيف الألم"},
			}},
			{code: "SAFETY", en: "Patient safety", ar: "سلامة المرضى", kids: []node{
				{code: "FALL", en: "Patient fall", ar: "سقوط المريض"},
				{code: "INFECTION", en: "Infection control", ar: "مكافحة العدوى"},
			}},
			{code: "DISCHARGE", en: "Discharge and follow-up", ar: "الخروج والمتابعة", kids: []node{
				{code: "INSTRUCTIONS", en: "Unclear discharge instructions", ar: "تعليمات الخروج غير واضحة"},
				{code: "FOLLOW_UP", en: "No follow-up arranged", ar: "عدم ترتيب موعد متابعة"},
			}},
		}},
	{code: "COMMUNICATION", en: "Communication", ar: "التواصل",
		descEN: "What patients and families are told, and how.",
		descAR: "ما يُبلَّغ به المرضى وذووهم وطريقة إبلاغهم.",
		kids: []node{
			{code: "INFORMATION", en: "Information for the patient", ar: "المعلومات المقدمة للمريض", kids: []node{
				{code: "CONDITION", en: "Condition not explained", ar: "عدم شرح الحالة الصحية"},
				{code: "PLAN", en: "Treatment plan not explained", ar: "عدم شرح الخطة العلاجية"},
			}},
			{code: "FAMILY", en: "Communication with the family", ar: "التواصل مع الأسرة", kids: []node{
				{code: "UPDATES", en: "Family not kept informed", ar: "عدم إطلاع الأسرة على المستجدات"},
				{code: "REACH", en: "Care team hard to reach", ar: "صعوبة الوصول إلى الفريق المعالج"},
			}},
			{code: "LANGUAGE", en: "Language and interpretation", ar: "اللغة والترجمة", kids: []node{
				{code: "INTERPRETER", en: "No interpreter available", ar: "عدم توفر مترجم"},
			}},
			{code: "RESULTS", en: "Test results", ar: "نتائج الفحوصات", kids: []node{
				{code: "LATE", en: "Results given late", ar: "تأخر إبلاغ النتائج"},
				{code: "NOT_GIVEN", en: "Results not given", ar: "عدم إبلاغ النتائج"},
			}},
		}},
	{code: "ACCESS", en: "Access and waiting", ar: "الوصول والانتظار",
		descEN: "Appointments, waiting times, admission and referrals.",
		descAR: "المواعيد وأوقات الانتظار والتنويم والإحالات.",
		kids: []node{
			{code: "APPOINTMENTS", en: "Appointments", ar: "المواعيد", kids: []node{
				{code: "UNAVAILABLE", en: "No appointment available", ar: "عدم توفر موعد", kids: []node{
					{code: "NEW", en: "First visit", ar: "الزيارة الأولى"},
					{code: "FOLLOW_UP", en: "Follow-up visit", ar: "زيارة المتابعة"},
					{code: "SPECIALIST", en: "Specialist clinic", ar: "العيادة التخصصية"},
				}},
				{code: "CANCELLED", en: "Appointment cancelled by the hospital", ar: "إلغاء الموعد من قبل المستشفى"},
			}},
			{code: "WAITING", en: "Waiting times", ar: "أوقات الانتظار", kids: []node{
				{code: "CLINIC", en: "Waiting in the clinic", ar: "الانتظار في العيادة"},
				{code: "EMERGENCY", en: "Waiting in the emergency department", ar: "الانتظار في قسم الطوارئ", kids: []node{
					{code: "TRIAGE", en: "Waiting for triage", ar: "انتظار الفرز"},
					{code: "PHYSICIAN", en: "Waiting for a physician", ar: "انتظار الطبيب"},
					{code: "BED", en: "Waiting for a bed", ar: "انتظار السرير"},
				}},
				{code: "PHARMACY", en: "Waiting at the pharmacy", ar: "الانتظار في الصيدلية"},
			}},
			{code: "ADMISSION", en: "Admission and beds", ar: "التنويم والأسرّة", kids: []node{
				{code: "NO_BED", en: "No bed available", ar: "عدم توفر سرير"},
			}},
			{code: "REFERRAL", en: "Referrals", ar: "الإحالات", kids: []node{
				{code: "DELAYED", en: "Referral delayed", ar: "تأخر الإحالة"},
				{code: "REFUSED", en: "Referral refused", ar: "رفض الإحالة"},
			}},
		}},
	{code: "ENVIRONMENT", en: "Environment and facilities", ar: "البيئة والمرافق",
		descEN: "Cleanliness, food, buildings, equipment and parking.",
		descAR: "النظافة والطعام والمباني والتجهيزات والمواقف.",
		kids: []node{
			{code: "CLEANLINESS", en: "Cleanliness", ar: "النظافة", kids: []node{
				{code: "ROOMS", en: "Patient rooms", ar: "غرف المرضى"},
				{code: "TOILETS", en: "Toilets", ar: "دورات المياه"},
			}},
			{code: "FOOD", en: "Food and nutrition", ar: "الطعام والتغذية", kids: []node{
				{code: "QUALITY", en: "Food quality", ar: "جودة الطعام"},
				{code: "DIET", en: "Wrong or missed diet", ar: "وجبة لا تناسب الحمية أو لم تُقدَّم"},
			}},
			{code: "FACILITIES", en: "Buildings and equipment", ar: "المباني والتجهيزات", kids: []node{
				{code: "MAINTENANCE", en: "Maintenance", ar: "الصيانة"},
				{code: "AIR_CONDITIONING", en: "Air conditioning", ar: "التكييف"},
				{code: "EQUIPMENT", en: "Medical equipment", ar: "الأجهزة الطبية"},
			}},
			{code: "PARKING", en: "Parking and getting around", ar: "المواقف والتنقل", kids: []node{
				{code: "PARKING", en: "Parking", ar: "مواقف السيارات"},
				{code: "ACCESSIBILITY", en: "Access for people with disabilities", ar: "تسهيلات الأشخاص ذوي الإعاقة"},
			}},
		}},
	{code: "ADMINISTRATION", en: "Administration, billing and insurance", ar: "الإجراءات الإدارية والمالية والتأمين",
		descEN: "Bills, insurance approvals, medical reports and registration.",
		descAR: "الفواتير وموافقات التأمين والتقارير الطبية والتسجيل.",
		kids: []node{
			{code: "BILLING", en: "Billing", ar: "الفواتير", kids: []node{
				{code: "WRONG", en: "Incorrect bill", ar: "فاتورة غير صحيحة"},
				{code: "UNEXPECTED", en: "Unexpected charges", ar: "رسوم غير متوقعة"},
			}},
			{code: "INSURANCE", en: "Insurance", ar: "التأمين الطبي", kids: []node{
				{code: "APPROVAL", en: "Insurance approval delayed", ar: "تأخر موافقة التأمين", kids: []node{
					{code: "MEDICATION", en: "For medication", ar: "للأدوية"},
					{code: "PROCEDURE", en: "For a procedure or surgery", ar: "لإجراء طبي أو عملية"},
					{code: "ADMISSION", en: "For admission", ar: "للتنويم"},
				}},
				{code: "REJECTED", en: "Claim rejected", ar: "رفض المطالبة"},
			}},
			{code: "RECORDS", en: "Medical records and reports", ar: "السجلات والتقارير الطبية", kids: []node{
				{code: "REPORT", en: "Medical report delayed", ar: "تأخر التقرير الطبي"},
				{code: "SICK_LEAVE", en: "Sick leave", ar: "الإجازة المرضية"},
			}},
		}},
	{code: "STAFF", en: "Staff behaviour and attitude", ar: "سلوك الموظفين وتعاملهم",
		descEN: "How staff treated the patient or the family.",
		descAR: "طريقة تعامل الموظفين مع المريض أو ذويه.",
		kids: []node{
			{code: "ATTITUDE", en: "Attitude", ar: "أسلوب التعامل", kids: []node{
				{code: "RUDE", en: "Rude or disrespectful", ar: "أسلوب غير لائق أو عدم احترام", kids: []node{
					{code: "PHYSICIAN", en: "Physician", ar: "طبيب"},
					{code: "NURSE", en: "Nurse", ar: "تمريض"},
					{code: "RECEPTION", en: "Reception", ar: "الاستقبال"},
				}},
				{code: "NOT_LISTENED", en: "Not listened to", ar: "عدم الإصغاء للمريض"},
				{code: "EMPATHY", en: "Lack of empathy", ar: "عدم التعاطف"},
			}},
			{code: "PROFESSIONALISM", en: "Professionalism", ar: "المهنية", kids: []node{
				{code: "ABSENT", en: "Staff not available", ar: "عدم تواجد الموظف"},
				{code: "CONDUCT", en: "Inappropriate conduct", ar: "سلوك غير مهني"},
			}},
		}},
	{code: "MEDICATION", en: "Medication and pharmacy", ar: "الأدوية والصيدلية",
		descEN: "Availability, errors, counselling and prescriptions.",
		descAR: "توفر الأدوية والأخطاء الدوائية والتثقيف الدوائي والوصفات.",
		kids: []node{
			{code: "AVAILABILITY", en: "Availability", ar: "توفر الدواء", kids: []node{
				{code: "OUT_OF_STOCK", en: "Medication not available", ar: "الدواء غير متوفر"},
				{code: "PARTIAL", en: "Prescription partly dispensed", ar: "صرف الوصفة بشكل جزئي"},
			}},
			{code: "ERRORS", en: "Medication errors", ar: "الأخطاء الدوائية", kids: []node{
				{code: "WRONG_DRUG", en: "Wrong medication", ar: "صرف دواء خاطئ"},
				{code: "WRONG_DOSE", en: "Wrong dose", ar: "جرعة خاطئة"},
				{code: "MISSED_DOSE", en: "Missed or late dose", ar: "جرعة فائتة أو متأخرة"},
				{code: "ALLERGY", en: "Known allergy overlooked", ar: "إغفال حساسية معروفة"},
			}},
			{code: "COUNSELLING", en: "Medication counselling", ar: "التثقيف الدوائي", kids: []node{
				{code: "USE", en: "Use not explained", ar: "عدم شرح طريقة الاستخدام"},
			}},
		}},
	{code: "RIGHTS", en: "Patient rights and privacy", ar: "حقوق المرضى والخصوصية",
		descEN: "Privacy, consent, dignity, visiting and the handling of complaints.",
		descAR: "الخصوصية والموافقة والكرامة والزيارة ومعالجة الشكاوى.",
		kids: []node{
			{code: "PRIVACY", en: "Privacy", ar: "الخصوصية", kids: []node{
				{code: "PHYSICAL", en: "Physical privacy not respected", ar: "عدم مراعاة الخصوصية الجسدية"},
				{code: "CONFIDENTIALITY", en: "Confidential information disclosed", ar: "إفشاء معلومات سرية"},
			}},
			{code: "CONSENT", en: "Informed consent", ar: "الموافقة المستنيرة", kids: []node{
				{code: "NOT_OBTAINED", en: "Consent not obtained", ar: "عدم أخذ الموافقة"},
				{code: "RISKS", en: "Risks not explained", ar: "عدم شرح المخاطر"},
			}},
			{code: "DIGNITY", en: "Dignity and respect", ar: "الكرامة والاحترام", kids: []node{
				{code: "DISCRIMINATION", en: "Discrimination", ar: "التمييز في المعاملة"},
				{code: "RELIGIOUS", en: "Religious and cultural needs", ar: "الاحتياجات الدينية والثقافية"},
				{code: "CHAPERONE", en: "No chaperone during examination", ar: "عدم وجود مرافق أثناء الكشف"},
			}},
			{code: "VISITING", en: "Visiting and companions", ar: "الزيارة والمرافقون", kids: []node{
				{code: "COMPANION", en: "Companion not allowed", ar: "عدم السماح بالمرافق"},
			}},
			{code: "COMPLAINTS", en: "Handling of complaints", ar: "معالجة الشكاوى", kids: []node{
				{code: "NO_RESPONSE", en: "No response to an earlier complaint", ar: "عدم الرد على شكوى سابقة"},
			}},
		}},
}

// defaultSources are the nine sources every installation starts with (built in: their
// codes are fixed, their names and use may be edited).
var defaultSources = []app.Source{
	{Code: "patient", NameEN: "Patient", NameAR: "المريض", UsableFor: app.SourceForBoth},
	{Code: "family", NameEN: "Family member", NameAR: "أحد أفراد الأسرة", UsableFor: app.SourceForBoth},
	{Code: "staff", NameEN: "Staff member", NameAR: "أحد الموظفين", UsableFor: app.SourceForBoth},
	{Code: "survey", NameEN: "Patient survey", NameAR: "استبيان المرضى", UsableFor: app.SourceForComplaint},
	{Code: "social_media", NameEN: "Social media", NameAR: "وسائل التواصل الاجتماعي", UsableFor: app.SourceForBoth},
	{Code: "call_center", NameEN: "Call center", NameAR: "مركز الاتصال", UsableFor: app.SourceForBoth},
	{Code: "moh", NameEN: "Ministry of Health (MOH)", NameAR: "وزارة الصحة", UsableFor: app.SourceForBoth},
	{Code: "chi", NameEN: "Council of Health Insurance (CHI)", NameAR: "مجلس الضمان الصحي", UsableFor: app.SourceForBoth},
	{Code: "other", NameEN: "Other", NameAR: "أخرى", UsableFor: app.SourceForBoth},
}

// EnsureDefaults loads the default taxonomy and sources once, in one transaction: the
// taxonomy only into an empty table, the sources whose codes are not taken yet. Later
// calls (every start) change nothing, so admins' edits stay.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		done, err := tx.TaxonomyDefaultsLoaded(ctx)
		if err != nil || done {
			return err
		}
		categories, sources := 0, 0
		n, err := tx.CategoryCount(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			var add func(parentID int64, level app.CategoryLevel, nodes []node) error
			add = func(parentID int64, level app.CategoryLevel, nodes []node) error {
				for i, d := range nodes {
					c := app.Category{ParentID: parentID, Level: level, Code: d.code, NameEN: d.en, NameAR: d.ar,
						DescriptionEN: d.descEN, DescriptionAR: d.descAR, Active: true, SortOrder: (i + 1) * 10}
					if err := tx.SaveCategory(ctx, &c); err != nil {
						return fmt.Errorf("default category %s: %w", d.code, err)
					}
					categories++
					if err := add(c.ID, level+1, d.kids); err != nil {
						return err
					}
				}
				return nil
			}
			if err := add(0, app.LevelDomain, defaultTaxonomy); err != nil {
				return err
			}
		}
		for i, x := range defaultSources {
			taken, err := tx.SourceCodeExists(ctx, x.Code)
			if err != nil {
				return err
			}
			if taken {
				continue
			}
			x.Active, x.System, x.SortOrder = true, true, (i+1)*10
			if err := tx.SaveSource(ctx, &x); err != nil {
				return fmt.Errorf("default source %s: %w", x.Code, err)
			}
			sources++
		}
		if err := tx.MarkTaxonomyDefaultsLoaded(ctx, defaultsVersion); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "taxonomy.import", Entity: "taxonomy",
			Summary: map[string]any{"defaults": defaultsVersion, "categories": categories, "sources": sources}})
	})
}
