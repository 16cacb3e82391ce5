package views

// searchMessages are the strings of the complaint search page and the Excel export.
var searchMessages = map[string]message{
	"complaint.search.nav":   {"Search complaints", "البحث في الشكاوى"},
	"complaint.search.title": {"Search complaints", "البحث في الشكاوى"},
	"complaint.search.label": {"Words in the complaint", "كلمات من نص الشكوى"},
	"complaint.search.help": {"English or Arabic. Every word must appear, in any form: “nurses” finds “nurse”, الممرضات finds الممرضة. Leave it empty to list by the filters, newest first.",
		"بالعربية أو الإنجليزية. يجب أن ترد كل كلمة بأي صيغة: الممرضات تجد الممرضة، و“nurses” تجد “nurse”. اتركه فارغاً لعرض الشكاوى حسب عوامل التصفية، الأحدث أولاً."},
	"complaint.search.unavailable": {"Complaint search is not available at the moment. The complaint list still works.",
		"البحث في الشكاوى غير متاح حالياً. ما زالت قائمة الشكاوى تعمل."},
	"complaint.search.none": {"No complaint matches. Check the spelling, try fewer words or remove a filter.",
		"لا توجد شكوى مطابقة. تحقق من الإملاء أو قلّل الكلمات أو أزل أحد عوامل التصفية."},
	"complaint.search.count":     {"%s results", "%s نتيجة"},
	"complaint.search.count_sla": {"%s complaints match the other filters; the SLA state is checked page by page.", "%s شكوى تطابق عوامل التصفية الأخرى؛ تُفحص حالة المهلة صفحةً بصفحة."},
	"complaint.search.partial": {"Only part of the matches were checked for the SLA state on this page. Use Next to keep looking.",
		"لم يُفحص على هذه الصفحة إلا جزء من النتائج بحثاً عن حالة المهلة. استخدم «التالي» لمتابعة البحث."},
	"complaint.search.depth": {"Only the first 10,000 matches can be browsed. Add words or filters to see the rest.",
		"يمكن تصفح أول 10,000 نتيجة فقط. أضف كلمات أو عوامل تصفية لرؤية البقية."},
	"complaint.filter.category":     {"Category (and everything under it)", "الفئة (وكل ما يندرج تحتها)"},
	"complaint.filter.any_category": {"Any category", "كل الفئات"},
	"complaint.filter.sla":          {"SLA state", "حالة المهلة"},
	"list.export_xlsx":              {"Export Excel", "تصدير Excel"},
}
