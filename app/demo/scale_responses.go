package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"px360/app"
	"px360/store"
)

// LoadScaleResponses adds n completed responses to the group-wide inpatient survey,
// spread over every hospital and the last year, in transactions of 5,000 (scale data for
// px360 bench). Answers are drawn so that most are good and some negative.
func LoadScaleResponses(ctx context.Context, st *store.Store, n int, now time.Time) error {
	hs, err := st.Hospitals(ctx, app.Scope{All: true})
	if err != nil || len(hs) == 0 {
		return fmt.Errorf("scale responses need hospitals: %v", err)
	}
	ts, err := st.SurveyTemplates(ctx, app.System.Scope)
	if err != nil {
		return err
	}
	var t app.SurveyTemplate
	for _, x := range ts {
		if x.Kind == app.SurveyGeneral && x.HospitalID == 0 && x.NameEN == "Inpatient experience" {
			t = x
		}
	}
	if t.ID == 0 {
		return fmt.Errorf("scale responses: the inpatient survey is missing")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for done := 0; done < n; {
		err := st.InTx(ctx, app.System, func(tx *store.Tx) error {
			for i := 0; i < 5000 && done < n; i++ {
				mood := rng.IntN(10) // 0–1 unhappy, 2–4 mixed, 5–9 happy
				a := app.Answers{}
				for _, p := range t.Def.Sections {
					for _, q := range p.Questions {
						switch q.Type {
						case app.QRating, app.QLikert:
							v := 5 - rng.IntN(2)
							if mood < 2 {
								v = 1 + rng.IntN(2)
							} else if mood < 5 {
								v = 3 + rng.IntN(2)
							}
							a[q.ID] = []string{strconv.Itoa(v)}
						case app.QNPS:
							v := 9 + rng.IntN(2)
							if mood < 2 {
								v = rng.IntN(6)
							} else if mood < 5 {
								v = 6 + rng.IntN(3)
							}
							a[q.ID] = []string{strconv.Itoa(v)}
						case app.QYesNo:
							a[q.ID] = []string{"yes"}
						}
					}
				}
				h := hs[rng.IntN(len(hs))]
				r := app.SurveyResponse{TemplateID: t.ID, Family: t.Family, HospitalID: h.ID, Lang: "ar", Answers: a,
					Score: t.Def.ScoreResponse(a)}
				if err := tx.InsertSurveyResponse(ctx, &r); err != nil {
					return err
				}
				done++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}
