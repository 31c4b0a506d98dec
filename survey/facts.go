package survey

// Facts are the household facts of an estate (or one building) that drive
// need. Over60 counts residents aged 60 or over in the survey's year, by
// year of birth (born in or before the survey year minus 60); AgeKnown
// counts residents whose year of birth is recorded, the base of the
// elderly share. UpperDwellings are dwellings above the ground floor in
// stairwells without a lift.
type Facts struct {
	Households            int `json:"households"` // dwellings
	Residents             int `json:"residents"`
	AgeKnown              int `json:"age_known"`
	Over60                int `json:"over60"`
	Disabled              int `json:"disabled"`
	Stairwells            int `json:"stairwells"`
	StairwellsWithoutLift int `json:"stairwells_without_lift"`
	UpperDwellingsNoLift  int `json:"upper_dwellings_without_lift"`
}

// Over60Permille is the share of residents of known age who are 60 or
// over, in tenths of a percent rounded half up, or -1 when no resident's
// age is known.
func (f Facts) Over60Permille() int {
	if f.AgeKnown <= 0 {
		return -1
	}
	return (f.Over60*2000 + f.AgeKnown) / (2 * f.AgeKnown)
}

// Entered are household facts entered by the surveyor where the register
// lacks them or is out of date; a nil field takes the register's value.
type Entered struct {
	Households            *int `json:"households,omitempty"`
	Residents             *int `json:"residents,omitempty"`
	Over60                *int `json:"over60,omitempty"`
	Disabled              *int `json:"disabled,omitempty"`
	StairwellsWithoutLift *int `json:"stairwells_without_lift,omitempty"`
	UpperDwellingsNoLift  *int `json:"upper_dwellings_without_lift,omitempty"`
}

// Apply returns f with the entered values in place. Entered resident or
// over-60 counts are taken as complete: the base of the elderly share
// becomes the residents' number.
func (e Entered) Apply(f Facts) Facts {
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&f.Households, e.Households)
	set(&f.Residents, e.Residents)
	set(&f.Over60, e.Over60)
	set(&f.Disabled, e.Disabled)
	set(&f.StairwellsWithoutLift, e.StairwellsWithoutLift)
	set(&f.UpperDwellingsNoLift, e.UpperDwellingsNoLift)
	if e.Residents != nil || e.Over60 != nil {
		f.AgeKnown = f.Residents
	}
	return f
}

// fields lists the entered values with their JSON names, for validation.
func (e Entered) fields() map[string]*int {
	return map[string]*int{"households": e.Households, "residents": e.Residents, "over60": e.Over60,
		"disabled": e.Disabled, "stairwells_without_lift": e.StairwellsWithoutLift,
		"upper_dwellings_without_lift": e.UpperDwellingsNoLift}
}
