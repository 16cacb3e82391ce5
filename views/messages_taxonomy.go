package views

// taxonomyMessages are the strings of the complaint taxonomy and sources admin.
var taxonomyMessages = map[string]message{}
