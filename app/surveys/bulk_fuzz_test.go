package surveys

import (
	"strings"
	"testing"

	"px360/app"
)

// FuzzReadBulk feeds the bulk file reader arbitrary bytes: it never panics, and what it
// accepts has the header's columns only, no blank rows, and at most MaxBulkRows rows.
func FuzzReadBulk(f *testing.F) {
	for _, seed := range []string{
		"mrn,name\nM-1,Omar\n",
		"\ufeffPhone,Name,extra\r\n+966500000001,سارة,x\r\n\r\n",
		"email\n\"a@example.com\"\n\"broken\n",
		"name\nOmar\n",
		"PK\x03\x04\x00\x00",
		"phone,phone\n1,2\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		rows, err := readBulk(strings.NewReader(data))
		if err != nil {
			if app.ErrorCode(err) != app.EInvalid {
				t.Fatalf("error %v is not a file error", err)
			}
			return
		}
		if len(rows) > MaxBulkRows {
			t.Fatalf("%d rows accepted", len(rows))
		}
		for _, r := range rows {
			blank := true
			for c, v := range r.fields {
				if !strings.Contains(strings.Join(BulkColumns, ","), c) {
					t.Fatalf("unknown column %q kept", c)
				}
				blank = blank && v == ""
			}
			if blank || r.line < 2 {
				t.Fatalf("row %+v", r)
			}
		}
	})
}
