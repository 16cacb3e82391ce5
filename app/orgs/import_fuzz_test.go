package orgs_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"px360/app"
)

// dataRows counts the records after the header that have at least one non-blank field,
// an upper bound on the rows an import may create, update or reject.
func dataRows(data string) (int, error) {
	cr := csv.NewReader(strings.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	if _, err := cr.Read(); err != nil {
		return 0, err
	}
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		for _, f := range rec {
			if strings.TrimSpace(f) != "" {
				n++
				break
			}
		}
	}
}

// FuzzImportPatients feeds arbitrary CSV to ImportPatients. One store is opened per fuzz
// worker and shared by every input, so rows accumulate; the properties are about deltas.
func FuzzImportPatients(f *testing.F) {
	e := newEnv(f)
	ctx := context.Background()
	// Existing rows, so inputs can hit the update path and MRN clashes.
	e.patient(f, e.hospA.ID, "M-1", "1012345678")
	e.patient(f, e.hospB.ID, "M-1", "")

	for _, seed := range []string{
		patientHeader + "A,M-1,Alice,أليس,1012345678,0501234567,alice@example.com,en,1980-05-01\n" +
			"A,M-2,Bob,,٢٠١٢٣٤٥٦٧٨,,,ar,\nB,M-3,Outside,,,,,,\n",
		"\ufeffhospital_code,mrn,name_en\r\na,m-9,Lower\r\n\r\nA,M-9,Again\r\n",
		"mrn,hospital_code\nM-4,A\n,,\nM 5,A\n",
		patientHeader + "A,M-6,Bad Date,,,,,,1980-13-45\nZZ,M-7,No Hospital,,,,,,\nA,,No MRN,,,,,,\n",
		"",
		"\n",
		"hospital_code,mrn,shoe_size\nA,M-8,42\n",
		"hospital_code,name_en\nA,X\n",
		"hospital_code,mrn,name_en\nA,\"M-10,Unterminated\n",
		"hospital_code,mrn,name_en\nA,M-11,\"quoted \"\" name\"\nA,M-12,short,extra,fields\nA\n",
		"hospital_code,mrn,name_en\n\"A,M-13,Unterminated in the first column\n",
		"hospital_code,mrn,name_en\nA\"B,M-14,Bare quote in the first column\n",
	} {
		f.Add(seed)
	}

	count := func(t *testing.T) int {
		var n int
		if err := e.st.R.QueryRowContext(ctx, `select count(*) from patients`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, data string) {
		before := count(t)
		res, err := importPatients(t, e, e.adminA, data) // a panic fails the input
		after := count(t)
		if err != nil {
			if code := app.ErrorCode(err); code != app.EInvalid {
				t.Errorf("top-level error with code %q, want %q: %v", code, app.EInvalid, err)
			}
			if after != before {
				t.Fatalf("import failed (%v) but patients went %d -> %d", err, before, after)
			}
			if res.Created != 0 || res.Updated != 0 || len(res.Errors) != 0 {
				t.Fatalf("import failed (%v) but reported %+v", err, res)
			}
			return
		}
		rows, perr := dataRows(data)
		if perr != nil {
			t.Fatalf("import accepted input that encoding/csv rejects: %v", perr)
		}
		if got := res.Created + res.Updated + len(res.Errors); got > rows {
			t.Fatalf("created %d + updated %d + errors %d = %d > %d data rows", res.Created, res.Updated, len(res.Errors), got, rows)
		}
		if after-before != res.Created {
			t.Fatalf("reported %d created, but patients went %d -> %d", res.Created, before, after)
		}
		seen := map[int]bool{}
		for _, re := range res.Errors {
			if re.Line < 2 || seen[re.Line] || len(re.Reasons) == 0 {
				t.Fatalf("bad row error %+v (all %+v)", re, res.Errors)
			}
			seen[re.Line] = true
		}
	})
}
