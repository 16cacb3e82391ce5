package ai

// English lexicons for patient comments, written for PX360. Single-word
// valences go into the Analyzer's own copy of the VADER lexicon (so VADER's
// negation, boosters and "but" rule apply to them); the cue engine adds what
// VADER cannot see: expected services that did not happen, waits with a
// duration, hospital phrases, requests and questions.

// enVaderAdjust sets hospital-domain valences in the VADER lexicon copy:
// new words, and common words that mean something else in a hospital
// ("sick leave", "blood pressure", "test positive", "please send").
const enVaderAdjust = `
okay|0
ok|0
fine|0.4
alright|0.2
care|0.6
sick|0
ill|0
emergency|0
cancer|-0.5
tumor|0
injury|-0.3
pain|-1
please|0
kindly|0.3
like|0.3
yes|0.3
no|0
positive|0
negative|0
pressure|0
attack|-0.5
critical|-0.5
urgent|0
help|0.8
free|1
special|0.8
stable|0.5
cut|0
accept|0.3
approval|0
approved|0.5
sorry|0
hope|0.5
wish|0
want|0
dear|0
patience|1.8
polite|2
courteous|2
attentive|2
welcoming|2
professional|1.8
professionally|1.5
knowledgeable|1.8
thorough|1.5
responsive|1.5
unresponsive|-1.8
informative|1.5
organized|1.2
organised|1.2
disorganized|-1.8
disorganised|-1.8
punctual|1.5
smooth|1.5
smoothly|1.5
seamless|1.8
quick|1.2
quickly|1
fast|1
swift|1.2
speedy|1.2
prompt|1.3
promptly|1.3
immediately|0.8
efficiently|1.5
painless|1.8
spotless|2.2
tidy|1.2
hygienic|1.2
spacious|1.2
lifesaver|2.5
recovered|1.5
healed|1.5
cured|1.5
improved|1.5
hassle-free|1.5
filthy|-2.7
unhygienic|-2.3
smelly|-1.8
smelled|-0.8
stinks|-2
stank|-2
cramped|-1.2
noisy|-1.2
loud|-0.8
freezing|-1
cold|-0.6
lukewarm|-0.8
bland|-1
tasteless|-1.5
inedible|-2.3
stale|-1.5
leaking|-1
rude|-2.5
impolite|-2
disrespectful|-2.3
dismissive|-1.8
uncaring|-2
shouted|-1.8
yelled|-1.8
screamed|-1.8
negligent|-2.5
negligence|-2.5
neglected|-2
neglect|-2
mistreated|-2.5
mishandled|-2
misinformed|-1.5
misdiagnosed|-2.5
misdiagnosis|-2.5
inhumane|-2.5
clueless|-1.5
unhelpful|-1.8
understaffed|-1.5
rushed|-1.2
hurry|-0.5
forgot|-1.5
late|-1
delay|-1.2
delays|-1.2
delayed|-1.3
postponed|-1.2
rescheduled|-0.8
canceled|-1
cancelled|-1
cancellation|-1
overcharged|-2
overpriced|-1.8
expensive|-1
crowded|-1.2
overcrowded|-1.8
chaotic|-2
nightmare|-2.5
unanswered|-1.5
unreachable|-1.5
unavailable|-1.2
unclear|-1
waited|-0.3
hassle|-1.2
ignoring|-1.5
sure|0.3
security|0
treat|0.5
pretty|0.3
ready|0.5
honestly|0
joke|-1.5
funny|0.3
well|0.5
accident|-1
broke|-0.8
fight|-0.5
tiny|-0.4
relief|0.6
admitted|0
convenient|1.5
inconvenient|-1.5
angel|2.5
angels|2.5
`

// enValences are cues the engine scores itself: phrases, and services a
// patient expects (zero when they happen, a complaint when they do not).
const enValences = `
answered|0.4|-1.3
answer|0.3|-1.3
answers|0.3|-1.3
answering|0|-1.3
responded|0.3|-1.3
respond|0.2|-1.3
response|0|-1.3
responses|0|-1.2
replied|0.3|-1.3
reply|0|-1.3
called|0.2|-1.2
call|0|-1
calls|0|-1
callback|0|-1.2
called back|0.6|-1.3
call back|0.3|-1.3
came|0|-1
come|0|-1
showed up|0|-1.2
show up|0|-1.2
arrived|0|-0.8
checked|0.3|-1.2
check|0|-1
explained|1|-1.3
explain|0.6|-1.3
explanation|0.5|-1.3
informed|0.4|-1.3
inform|0.2|-1.3
told|0|-1.2
tell|0|-1
notified|0.3|-1.3
notice|0|-1.2
notification|0|-1.2
warning|0|-1
update|0|-1.2
updated|0.3|-1.2
updates|0|-1.2
helped|0.8|-1.5
listened|0.8|-1.3
listen|0.3|-1.3
cared|0.8|-1.5
followed up|0.6|-1.3
follow up|0|-1
apologized|0.6|-1.3
apologised|0.6|-1.3
apology|0.3|-1.3
apologize|0.3|-1.3
reason|0|-1.2
fixed|0.5|-1.3
fix|0|-1.2
resolved|0.8|-1.3
resolve|0|-1.2
sorted|0.5|-1.2
attended|0.3|-1.2
examined|0.3|-1.2
cleaned|0.5|-1.3
changed|0|-1
received|0|-1.2
got back|0.3|-1.3
through|0|-1.2
available|0.3|-1.2
working|0|-1.2
works|0|-1
soap|0|-1
water|0|-1
towels|0|-1
space|0|-1
seats|0|-1
chairs|0|-1
beds|0|-1
bed|0|-1
parking|0|-1.2
spot|0|-1
spots|0|-1
doctor|0|-1
nurse|0|-1
staff|0|-1
signal|0|-1
wifi|0|-1
blanket|0|-1
pillow|0|-1
look|0|-1.2
looked|0|-1.2
see|0|-1
saw|0|-1
seen|0|-1
visited|0|-1
examine|0|-1.2
solved the problem|2.5
solved my problem|2.5
fixed the problem|2.5
fixed my problem|2.5
sorted out the problem|2.5
resolved the issue|1.5
resolved my issue|1.5
got nothing|-1.5
received nothing|-1.5
heard nothing|-1.5
had to wait|-0.8
have to wait|-0.8
having to wait|-0.8
back on my feet|2
back on his feet|2
back on her feet|2
before anyone|-0.6
before someone|-0.6
couldn't have asked for|1.5
could not have asked for|1.5
couldn't ask for|1.5
could not ask for|1.5
can't ask for|1.5
couldn't be happier|4
could not be happier|4
couldn't be better|4
could not be better|4
can't thank|3.5
cannot thank|3.5
couldn't thank|3.5
can't complain|1
raised her voice|-1.8
raised his voice|-1.8
raised their voice|-1.8
rolled her eyes|-1.8
rolled his eyes|-1.8
rolled their eyes|-1.8
rolled eyes|-1.8
wait|0|1
waited|0|1
waiting|0|1
on time|1.2|-1.2
in time|0.6
same day|1
right away|1
straight away|1
in no time|1.5
above and beyond|2.5
went beyond|2
saved my|1
at ease|1.5
well done|1.5
keep it up|1.5
can walk|1.2
feel better|1
feeling better|1
back to normal|1.2
took time to|1.2
took the time to|1.2
took care of|1.5
well controlled|1.2
controlled well|1.2
well managed|1
managed well|1
lost my|-1.2
lost our|-1.2
wrong dose|-1
wrong medication|-1
wrong medicine|-1
wrong drug|-1
wrong patient|-1.5
wrong diagnosis|-1
wrong result|-1
wrong results|-1
wrong prescription|-1
charged twice|-1.5
charged us twice|-1.5
charged me twice|-1.5
double charged|-1.5
got a bill|-1.2
received a bill|-1.2
surprise bill|-1.5
billed for|-0.8
billed me|-0.8
billed my|-0.8
kept me waiting|-1.5
kept us waiting|-1.5
kept waiting|-1.2
kept me standing|-1.2
kept us standing|-1.2
never again|-2.5
in pain|-1
still waiting|-1.5
still no|-1
still nothing|-1.2
still haven't|-1
still hasn't|-1
still not|-0.8
forgot my|-0.5
ran out|-1.2
out of stock|-1.2
keep asking|-1
kept asking|-1
keep calling|-1
kept calling|-1
keep chasing|-1
kept chasing|-1
had to chase|-1
had to ask|-0.8
had to call|-0.8
had to remind|-1
had to keep|-0.8
had to beg|-1.5
too long|-1.2
too cold|-1.2
too hot|-1.2
too slow|-1.2
too noisy|-1.2
too crowded|-1.2
too busy|-0.8
too far|-0.8
too small|-0.8
too expensive|-1.2
too late|-1.2
in a hurry|-0.8
last minute|-1
needs improvement|-0.8
room for improvement|-0.8
`

const enNegators = `
not, no, never, don't, didn't, doesn't, isn't, wasn't, weren't, aren't, haven't, hasn't, hadn't, won't,
wouldn't, couldn't, can't, cannot, shouldn't, dont, didnt, doesnt, isnt, wasnt, werent, arent, havent,
hasnt, wont, wouldnt, couldnt, cant, without, none, nothing, neither, nor, hardly, barely
`

const enNobody = `nobody, noone, no one, not a single person, not one person, none of them, no body, not anyone`

const enTransparent = `
the, a, an, any, anyone, anybody, even, ever, yet, really, was, were, is, are, be, been, being, have, has,
had, get, got, getting, to, me, us, my, our, him, her, them, it, at, that, this, there, on, properly, single,
make, made, makes, feel, felt, feeling, seem, seemed, once, bother, bothered, at all, really
`

const enIntensifiers = `all, everything, every, each, very, really, so, extremely, always, fully, completely, totally`

const enDiminishers = `somewhat, slightly, kind of, sort of, a bit, a little, fairly`

const enContrast = `but, however, on the other hand, except, nevertheless, nonetheless`

const enConcession = `although, though, even though, despite, in spite of, while`

const enWish = `
i wish, could be, could have been, should be, should have been, needs to be, need to be, i hope, hopefully,
would be nice, would be better, suggest, suggestion, i'd suggest, please improve, must improve
`

const enQuestions = `how, what, when, where, which, who, whom, whose, is, are, do, does, can, could, will, would, may, should, did`

const enWhy = `why, how come, how is this acceptable`

const enRequests = `
please, kindly, i would like, i'd like, would like, could you, can you, can i, could i, may i, i want to,
i need, send me, let me know, is it possible, i was wondering, i would appreciate if, requesting, request
`

const enMediocre = `
average, okay, ok, alright, so so, acceptable, nothing special, nothing to write home about, mixed feelings,
mixed experience, hit and miss, hit or miss, some not, not great not bad, not bad not great, fair enough, mediocre
`

const enWaitWords = `
wait, waited, waiting, waits, took, take, takes, taking, delay, delayed, delays, late, stuck, sat, sitting,
standing, stood, kept, circled, had to wait, have to wait, having to wait, queue, queued, queuing, queueing, still, spent, lasted, ago, past, overdue, behind
`

const enSince = `for, since, after, ago, past, over`

const enShort = `less than, under, within, only, just, in, no more than, not more than, in less than`

const enRepeat = `
twice, again, every time, every single time, each time, yet again, once again, over and over, multiple times,
several times, many times, repeatedly, every day, every single day, third time, second time, still
`

const enTimes = `times`

const enOverall = `overall, in general, all in all, generally, on the whole`

const enBooking = `appointment, appointments, booking, slot, next available, earliest`

const enNumbers = `
a|1
an|1
one|1
two|2
three|3
four|4
five|5
six|6
seven|7
eight|8
nine|9
ten|10
eleven|11
twelve|12
fifteen|15
twenty|20
thirty|30
forty|40
forty five|45
fifty|50
sixty|60
ninety|90
half|0.5
couple|2
a couple of|2
few|3
a few|3
several|4
many|5
`

const enUnits = `
minute|1
minutes|1*5
min|1
mins|1*5
hour|60
hours|60*3
hr|60
hrs|60*3
day|1440
days|1440*3
week|10080
weeks|10080*3
month|43200
months|43200*3
half an hour|30
half hour|30
hour and a half|90
all day|480
all night|600
overnight|600
whole day|480
`

const enEmotions = `
anger: angry, anger, furious, outraged, outrageous, unacceptable, disgusted, disgusting, disgrace, disgraceful, ridiculous, shameful, infuriating, livid, pissed, appalling, appalled, insulting, insulted, disrespected, rude, never again, shouted, yelled, mad
frustration: frustrated, frustrating, frustration, annoying, annoyed, irritated, irritating, hassle, waste, wasted, pointless, useless, endless, fed up, tired of, sick of, keep calling, kept calling, keep asking, kept asking, had to chase, still waiting, postponed, rescheduled, cancelled, canceled, delayed, unanswered, nightmare
anxiety: worried, worry, worrying, anxious, anxiety, scared, afraid, fear, feared, nervous, panic, panicked, terrified, stressed, stress, stressful, concerned, uneasy, frightened
gratitude: thank, thanks, thankful, grateful, gratitude, appreciate, appreciated, appreciation, bless, blessed, indebted, thank you, can't thank, cannot thank, couldn't thank
satisfaction: satisfied, satisfying, happy, pleased, glad, great, excellent, amazing, wonderful, perfect, fantastic, impressed, impressive, recommend, love, loved, outstanding, superb, brilliant, couldn't be happier, could not be happier, couldn't be better, couldn't have asked for, could not have asked for
sadness: sad, sadly, upset, heartbroken, cried, crying, depressed, miserable, unhappy, unfortunately, devastated
disappointment: disappointed, disappointing, disappointment, let down, letdown
confusion: confused, confusing, confusion, unclear, misinformed, contradicting, conflicting, no idea, lost
relief: relieved, relief, finally, reassured, reassuring, thankfully, at ease, feel better, feeling better
~disappointment: happy, satisfied, pleased, impressed, glad, recommend
~confusion: explained, explain, explanation, informed, told, clear, understand, understood
~frustration: answered, answer, answers, responded, respond, response, replied, reply, called, call, callback, called back, call back, came, showed up, checked, helped, listened, cared, fixed, resolved, through, working, update, updates, followed up, notice, reason
`

const enTopics = `
waiting_time: wait, waited, waiting, queue, queued, queuing, delay, delayed, delays, late, kept me waiting, kept us waiting, waiting room, waiting area, still waiting, slow
staff_attitude: rude, polite, kind, friendly, attitude, respectful, disrespectful, caring, uncaring, manners, courteous, unprofessional, professional, dismissive, shouted, yelled, arrogant, compassionate, attentive, patient with, empathy, smile, smiled, welcoming, impolite, kindness, patience, dignity, treated
communication: explain, explained, explanation, informed, inform, told, called, call, calls, callback, answered, answer, phone, reply, replied, response, responded, sms, message, messages, email, notified, notification, update, updates, unanswered, unreachable, hotline, call center, misinformed, listened
cleanliness: clean, cleaner, cleaning, cleaned, dirty, filthy, hygiene, hygienic, unhygienic, smell, smelled, smelly, stinks, dust, dusty, stains, stained, spotless, tidy, toilet, toilets, bathroom, bathrooms, soap, sanitizer, cockroach, cockroaches, towels, sheets
billing_insurance: bill, bills, billing, billed, invoice, charge, charged, charges, overcharged, insurance, insurer, claim, claims, approval, approved, covered, coverage, price, prices, cost, costs, expensive, overpriced, refund, payment, paid, pay, sar, riyals, copay, deductible, bupa, tawuniya, medgulf
food: food, meal, meals, breakfast, lunch, dinner, taste, tasteless, portions, portion, diet, menu, bland, inedible, snack, coffee, tea, cafeteria, canteen
parking: parking, park, parked, car, valet, garage, parking lot
appointments: appointment, appointments, booking, book, booked, schedule, scheduled, rescheduled, postponed, cancelled, canceled, cancellation, slot, reminder, follow-up, referral, clinic time
pharmacy: pharmacy, pharmacist, medication, medications, medicine, medicines, prescription, prescriptions, dose, drug, drugs, refill, pills
pain_management: pain, painful, painkiller, painkillers, analgesic, hurt, hurting, hurts, aching, morphine, in pain, pain relief, anesthesia, anaesthesia
discharge: discharge, discharged, discharging, discharge summary
facilities: room, rooms, bed, beds, building, elevator, elevators, lift, air conditioning, tv, wifi, chairs, seats, corridor, lighting, ward, noisy, cramped, spacious, freezing, bathroom, toilets
lab_results: lab, labs, laboratory, results, result, blood test, blood tests, test results, sample, samples, blood work
radiology: radiology, x-ray, xray, mri, ct, scan, scans, ultrasound
emergency: er, emergency, a&e, ambulance, triage
clinical_care: diagnosis, misdiagnosed, misdiagnosis, treatment, surgery, operation, procedure, surgeon, physiotherapy, therapy, icu, admission, admitted
digital_services: app, portal, website, online, system, sms reminder, login
`

const enStopWords = `
a, an, the, and, or, but, if, then, so, to, of, in, on, at, by, for, with, about, from, as, into, over, after,
before, is, am, are, was, were, be, been, being, have, has, had, do, does, did, doing, i, me, my, mine, myself,
we, us, our, ours, you, your, yours, he, him, his, she, her, hers, they, them, their, theirs, it, its, this,
that, these, those, there, here, what, which, who, whom, when, where, why, how, not, no, nor, very, too, just,
also, only, all, any, some, each, every, more, most, other, such, than, can, could, would, should, will,
shall, may, might, must, up, down, out, off, again, still, even, ever, never, one, get, got, please, really,
i'm, it's, don't, didn't, doesn't, isn't, wasn't, weren't, can't, won't, i've, i'd, i'll, we're, they're,
you're, that's, there's, let, lot, much, many, well, way, thing, things, because, while, until, though,
although, however, yet, both, own, same, s, t, im, ive, dont, didnt, cant, wont, n, a, etc, dr, mr, mrs, ms,
na, n/a, also, just, go, went, going, come, came, make, made, take, took, said, say, told, tell, need, want,
like, know, see, saw, time, day, today, yesterday, now, through, less, ever, someone, somebody, regarding,
anyone, everyone, anything, something, everything, tomorrow
`
