package views

// explanationMessages are the strings of explanation requests to involved staff.
var explanationMessages = map[string]message{
	"explanation.title":                        {"Explanations from staff", "إفادات الموظفين"},
	"explanation.none":                         {"No explanation has been requested.", "لم يُطلب أي إفادة."},
	"explanation.ask":                          {"Ask a staff member to explain", "طلب إفادة من موظف"},
	"explanation.staff":                        {"Staff member (employee number)", "الموظف (الرقم الوظيفي)"},
	"explanation.staff_help":                   {"A staff member of the complaint's hospital.", "موظف في مستشفى الشكوى."},
	"explanation.question":                     {"What should they explain?", "ما المطلوب توضيحه؟"},
	"explanation.due_hours":                    {"Answer within (hours)", "مهلة الرد (بالساعات)"},
	"explanation.due_hours_help":               {"48 hours if left empty; one reminder is sent when it is overdue.", "48 ساعة إذا تُرك فارغاً؛ يُرسل تذكير واحد عند التأخر."},
	"explanation.send":                         {"Send the request", "إرسال الطلب"},
	"explanation.waiting":                      {"Waiting for the answer", "بانتظار الرد"},
	"explanation.answered":                     {"Answered", "تم الرد"},
	"explanation.due":                          {"Due:", "الموعد:"},
	"explanation.answer":                       {"The staff member's explanation", "إفادة الموظف"},
	"explanation.record_answer":                {"Record the answer", "تسجيل الرد"},
	"flash.explanation_sent":                   {"The explanation request was sent.", "تم إرسال طلب الإفادة."},
	"flash.explanation_answered":               {"The explanation was recorded.", "تم تسجيل الإفادة."},
	"err.due_hours_invalid":                    {"Enter a number of hours from 1 to 720.", "أدخل عدد ساعات من 1 إلى 720."},
	"err.complaint_finished":                   {"This complaint is finished; reopen it first.", "هذه الشكوى منتهية؛ أعد فتحها أولاً."},
	"err.explanation_answered":                 {"This request was answered already.", "تم الرد على هذا الطلب مسبقاً."},
	"complaint.timeline.explanation_requested": {"Explanation requested from staff", "طُلبت إفادة من موظف"},
	"complaint.timeline.explanation_answered":  {"Staff explanation recorded", "سُجّلت إفادة الموظف"},
	"audit.complaint.explanation_request":      {"Explanation requested", "طلب إفادة"},
	"audit.complaint.explanation_answer":       {"Explanation recorded", "تسجيل إفادة"},
	"audit.complaint.note":                     {"Note added", "إضافة ملاحظة"},
}
