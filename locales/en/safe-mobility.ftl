# Messages of rules/safe-mobility.yaml (English). Ids follow the rules: q-<question>,
# q-<question>-<choice>, o-<outcome>, o-<outcome>-next, link-<link>.
#
# The interface already shows, on every result: the status line (with the closing or opening
# date), "Because you answered", the sources, and the footer ("free of charge", "not legal
# advice", review date). These texts do not repeat them.
#
# `o-*-next` select on `$status`: `closed`, `maybe`, and the default (`open`, `upcoming`).
# Keep each variant under about 900 characters, and write the default variants so that they
# read well both before a programme opens and while it is open.
#
# The `maybe` status line (interface.ftl, not edited here) says "check with the office". The
# Safe Mobility Offices have an office and a free line; CHNV parole, family reunification
# parole, CBP One and Canada do not. So each `[maybe]` variant starts by saying who can
# confirm it (the office, USCIS, the app, IRCC, UNHCR/IOM, free legal aid), and each default
# variant says it too.
#
# Variables from the rules: `$country` (the id of the office's country; each language writes
# the name), `$chnv_role` (`principal` or `family`: the CHNV card speaks to a person from
# Cuba, Haiti, Nicaragua or Venezuela, or to a family member of another nationality).

## Questions

q-location = A few questions to see which legal pathways could fit you.
    Which country are you in now?
    .short = Country now
q-location-colombia = Colombia
q-location-costa_rica = Costa Rica
q-location-ecuador = Ecuador
q-location-guatemala = Guatemala
q-location-mexico = Mexico
q-location-united_states = United States
q-location-other = Another country

q-age = How old are you?
    If you travel with your children, answer about yourself.
    .short = Age
q-age-adult = 18 or older
q-age-minor = Under 18

q-mexico_region = Where in Mexico are you?
    The CBP One app works in central and northern Mexico: north of the 19th parallel, a line just south of Mexico City. Oaxaca, Guerrero, Chiapas and Tabasco, for example, are further south.
    .short = Region of Mexico
q-mexico_region-north_or_central = Mexico City or further north
q-mexico_region-south = Further south
q-mexico_region-unsure = I don't know

q-nationality = What is your nationality?
    If you have more than one, choose the one on this list.
    .short = Nationality
q-nationality-cuba = Cuban
q-nationality-haiti = Haitian
q-nationality-nicaragua = Nicaraguan
q-nationality-venezuela = Venezuelan
q-nationality-colombia = Colombian
q-nationality-ecuador = Ecuadorian
q-nationality-el_salvador = Salvadoran
q-nationality-guatemala = Guatemalan
q-nationality-honduras = Honduran
q-nationality-other = Another nationality

q-arrived_by_cutoff = Were you already in { $country ->
        [colombia] Colombia
        [costa_rica] Costa Rica
        [ecuador] Ecuador
       *[other] the country where you are now
    } on { $cutoff }?
    The Safe Mobility Office here only takes people who arrived on that date or before.
    .short = In the country by the date
q-arrived_by_cutoff-yes = Yes, I was already here
q-arrived_by_cutoff-no = No, I came later
q-arrived_by_cutoff-unsure = I don't know

q-host_status = What is your migration status in { $country ->
        [colombia] Colombia
        [costa_rica] Costa Rica
        [ecuador] Ecuador
       *[other] this country
    } today?
    • Regular status: you have a permit or visa to stay (in Colombia, for example, a PPT).
    • Regularization in process: you applied for such a permit and are waiting.
    • Asylum seeker: you asked for refugee status and are waiting for the answer.
    • Recognised refugee: this country gave you refugee status.
    .short = Status in this country
q-host_status-regular = Regular status (permit, visa)
q-host_status-regularizing = Regularization in process
q-host_status-asylum_seeker = Asylum seeker
q-host_status-refugee = Recognised refugee
q-host_status-none = No status
q-host_status-unsure = I don't know

q-registered_by_cutoff = { $country ->
        [costa_rica] Was your asylum request in Costa Rica registered before { $cutoff }?
            What counts is the date you asked for asylum (refugee status), not the date you arrived. If it was on that day or later, answer "No".
        [ecuador] Was your asylum request in Ecuador registered on or before { $cutoff }?
            What counts is the date you asked for asylum (refugee status), not the date you arrived.
       *[other] Was your asylum request in this country registered on or before { $cutoff }?
            What counts is the date you asked for asylum (refugee status), not the date you arrived.
    }
    .short = Asylum request by the date
q-registered_by_cutoff-yes = Yes
q-registered_by_cutoff-no = No
q-registered_by_cutoff-unsure = I don't know

q-other_citizenship = The next questions are about CHNV parole: a U.S. process for people from Cuba, Haiti, Nicaragua and Venezuela. Parole is permission to enter and stay in the U.S. for a limited time.
    This process does not accept people who have another nationality, or permanent residence or refugee status in another country. Refugee status where you live now counts too.
    Is this your case?
    If you have a temporary permit (such as Colombia's PPT) and don't know if it counts, answer "I don't know".
    .short = Other nationality/residence
q-other_citizenship-yes = Yes
q-other_citizenship-no = No
q-other_citizenship-unsure = I don't know

q-us_supporter = Is there a person in the U.S. who is willing to be your supporter?
    The supporter fills in Form I-134A online: a form a person in the U.S. fills in to support you. They must be in the U.S. with a legal status (for example a citizen, a permanent resident or a parolee). They do not have to be a relative.
    .short = Supporter in the U.S.
q-us_supporter-yes = Yes
q-us_supporter-no = No
q-us_supporter-unsure = I don't know

q-passport = Do you have a passport that has not expired and is valid for international travel?
    If you are Venezuelan and your passport expired but was extended, answer "Yes" and check the rules on the official USCIS page.
    .short = Valid passport
q-passport-yes = Yes
q-passport-no = No

q-irregular_entry = After { $chnv_cutoff }, did you enter the U.S. without going through an official border crossing, or enter Mexico or Panama without permission?
    Crossing the Darién jungle into Panama counts as entering without permission.
    Choose the third answer if, after that entry, U.S. authorities let you leave voluntarily or withdraw your request to enter, and it happened only once.
    .short = Entry without permission
q-irregular_entry-no = No
q-irregular_entry-yes = Yes
q-irregular_entry-yes_once_returned = Yes, but left voluntarily once
q-irregular_entry-unsure = I don't know

q-interdicted_at_sea = After 27 April 2023, were you stopped at sea (for example by the U.S. Coast Guard) while trying to reach the U.S. by boat?
    .short = Stopped at sea
q-interdicted_at_sea-yes = Yes
q-interdicted_at_sea-no = No

q-removal_order = In the last five years, did the U.S. order your removal (deportation)?
    This is a decision of a U.S. immigration judge or officer.
    .short = U.S. removal order
q-removal_order-yes = Yes
q-removal_order-no = No
q-removal_order-unsure = I don't know

q-us_family_petition = Has a relative filed Form I-130 for you?
    Form I-130 is a petition a U.S. citizen or permanent resident relative files for you, so that you can immigrate.
    For family reunification parole, the U.S. National Visa Center (NVC) also has to send your relative an invitation.
    .short = Family petition (I-130)
q-us_family_petition-invited = Yes, and they got an invitation
q-us_family_petition-approved = Approved, but no invitation
q-us_family_petition-no = No, or not approved yet
q-us_family_petition-unsure = I don't know

q-canada_relative = Canada has a pathway to permanent residence for people from Colombia, Haiti and Venezuela with family in Canada.
    Do you have a close relative in Canada who is a Canadian citizen or permanent resident, and who would support you for one year?
    Close relative: your child, grandchild, spouse or partner, parent, grandparent, brother or sister.
    .short = Relative in Canada
q-canada_relative-yes = Yes
q-canada_relative-no = No
q-canada_relative-unsure = I don't know

q-chnv_family = One last question, about CHNV parole: a U.S. process for people from Cuba, Haiti, Nicaragua and Venezuela. It can also include their close family, whatever their nationality.
    Is your husband, wife or partner from Cuba, Haiti, Nicaragua or Venezuela?
    If you are under 21 and not married: is your mother or father from one of those countries?
    .short = Partner or parent from CHNV
q-chnv_family-yes = Yes
q-chnv_family-no = No

## Referral cards

o-in_united_states = You are in the United States
o-in_united_states-next = The pathways in this guide are for people outside the United States, so this guide cannot check your case.
    • Look for free legal help you can trust: a nonprofit organisation, a licensed lawyer or an accredited representative.
    • In the U.S., a "notario" is not a lawyer and cannot give you legal advice.
    • Use only official sites, such as uscis.gov. Never pay anyone who promises you papers fast.

o-minor_referral = You are under 18
o-minor_referral-next = In these programmes adults apply, and their children under 18 are included in their application.
    • Ask your mother, father or legal guardian to answer these questions for the family.
    • If you are on your own, you can ask for protection. UNHCR, IOM (the UN agencies for refugees and for migrants) or the child protection service of the country where you are can help you for free.
    • Do not go with anyone who offers to take you across a border for money.

o-no_pathway_found = No open pathway found for your answers
o-no_pathway_found-next = With your answers, we found no pathway in this guide that is open to you now. Programmes change: some open, others close. What can still help:
    • UNHCR and IOM (the UN agencies for refugees and for migrants) give free information in many countries.
    • Free legal aid organisations can look at your case.
    • If you are afraid to go back to your country, tell UNHCR. They can explain how to ask for protection where you are.
    • Trust only official channels. The Safe Mobility site (button below) has its official notices.
    • Never pay anyone who promises a visa, an appointment, parole or a place in a programme.

## Safe Mobility Offices

o-smo_colombia = Safe Mobility Office in Colombia
o-smo_colombia-next = { $status ->
    [closed] This office helped people from Cuba, Haiti and Venezuela who were in Colombia on or before { $cutoff }. It no longer takes applications.
        If your case was already referred, the official site says you will get information later. Keep your phone number and email up to date.
        What can still help:
        • UNHCR and IOM (the UN agencies for refugees and for migrants) give free information in Colombia.
        • Free legal aid organisations can look at your case.
        • Trust only official channels, such as movilidadsegura.org. Never pay anyone who promises a place or an appointment.
    [maybe] The office can confirm it: ask on its free line, { $hotline }, or through movilidadsegura.org. UNHCR, IOM and free legal aid organisations can also help.
        Check what is not clear in your case before you act:
        • If you answered "I don't know": find out the date you arrived and your status in Colombia today. Your documents usually show them.
        • If you are an asylum seeker (with a safe-conduct, SC-2) or a recognised refugee: the sources do not say if this counts as "in regularization".
        • The office may stop taking new applications: check that it still does.
   *[other] If you are from Cuba, Haiti or Venezuela and were in Colombia on or before { $cutoff }, you can ask for a free screening, even if you entered irregularly. When you apply, you need a regular status or to be in regularization, and to be 18 or older.
        • Apply only online, on the Colombia page of movilidadsegura.org. The form works only from Colombia and opens on set days: the site says when.
        • Add the family members who are with you.
        • Only UNHCR or IOM (UN agencies) will contact you, to give you an appointment. The office takes no walk-ins.
        • Questions about your case: the office's free line, { $hotline }, or a free legal aid organisation.
        • If you already applied, do not apply again.
        The office checks if you could go to the U.S. through the refugee programme or another legal pathway. Applying does not guarantee that you will travel.
}

o-smo_costa_rica = Safe Mobility Office in Costa Rica
o-smo_costa_rica-next = { $status ->
    [closed] This office helped people from Nicaragua and Venezuela (and, from 2024, Ecuador) who were in Costa Rica on { $cutoff } and had asked for asylum. It no longer takes applications.
        If your case was already referred, the official site says you will get information later. Keep your phone number and email up to date.
        Spain's work programme for Nicaraguan refugees in Costa Rica had no application form: UNHCR and IOM chose the people.
        What can still help: UNHCR and IOM (the UN agencies for refugees and for migrants) and free legal aid organisations. Trust only official channels. Never pay anyone who promises a place, a trip or an appointment.
    [maybe] The office can confirm it: ask on its free line, { $hotline }, or through movilidadsegura.org. UNHCR, IOM and free legal aid organisations can also help.
        Check what is not clear in your case before you act:
        • If you answered "I don't know": find out the date you arrived and the date of your asylum request. Your documents usually show them.
        • If your asylum request was registered on { $cutoff } or later: Costa Rican officials said it had to be made before that date. The U.S. statement only says "currently registered".
        • If you are a recognised refugee: officials said refugees were not included. The U.S. statement does not say.
        • If you are Ecuadorian: the sources do not give the day Ecuadorians were added.
   *[other] If you are from Nicaragua or Venezuela, were in Costa Rica on { $cutoff } and your asylum request was registered before that date, you can ask for a free screening. People who arrived after that date cannot.
        • Ask for an appointment online at movilidadsegura.org. At first the office contacted people itself. You cannot ask in person at the office.
        • Only UNHCR or IOM (UN agencies) will contact you.
        • Questions about your case: the office's free line, { $hotline }, or a free legal aid organisation.
        The office checks pathways such as the U.S. refugee programme, parole (permission to enter the U.S. for a limited time), family reunification and temporary work. UNHCR and IOM also chose some Nicaraguan refugees for a work programme in Spain; that programme took no applications. Applying does not guarantee that you will travel.
}

o-smo_ecuador = Safe Mobility Office in Ecuador
o-smo_ecuador-next = { $status ->
    [closed] This office helped people from Cuba, Haiti, Nicaragua, Venezuela and Colombia who were in Ecuador on or before { $cutoff }. It no longer takes applications.
        If your case was already referred, the official site says you will get information later. Keep your phone number and email up to date.
        What can still help:
        • UNHCR and IOM (the UN agencies for refugees and for migrants) give free information in Ecuador.
        • Free legal aid organisations can look at your case.
        • Trust only official channels, such as movilidadsegura.org. Never pay anyone who promises a place or an appointment.
    [maybe] The office can confirm it: ask on its free line, { $hotline }, or through movilidadsegura.org. UNHCR, IOM and free legal aid organisations can also help.
        Check what is not clear in your case before you act:
        • If you answered "I don't know": find out the date you arrived, your status in Ecuador today and when your asylum request was registered. Your documents usually show them.
        • If you already have a regular status (a visa, for example): the sources name people who applied to Ecuador's regularization process, not people who already hold a status.
        • The office may stop taking new applications: check that it still does.
   *[other] If you are from Cuba, Haiti, Nicaragua, Venezuela or Colombia and were in Ecuador on or before { $cutoff }, you can ask for a free screening if you applied to Ecuador's regularization process, or if your asylum request was registered by that date (also if you are now a recognised refugee).
        • The office first contacted registered asylum seekers itself. Online requests at movilidadsegura.org: from 20 November 2023, on set days until the day's places run out. The site says when.
        • Only UNHCR or IOM (UN agencies) will contact you. The office works by appointment only.
        • Questions about your case: the office's free line, { $hotline }, or a free legal aid organisation.
        • If you already applied, do not apply again.
        The office checks legal pathways to the U.S., such as the refugee programme. Applying does not guarantee that you will travel.
}

o-smo_guatemala = Safe Mobility Office in Guatemala
o-smo_guatemala-next = { $status ->
    [closed] This office helped Guatemalans in Guatemala (and, at first, people from El Salvador, Honduras and Nicaragua). It no longer takes applications.
        If your case was already referred, the official site says you will get information later. Keep your phone number and email up to date.
        What can still help:
        • UNHCR and IOM (the UN agencies for refugees and for migrants) give free information.
        • Free legal aid organisations can look at your case.
        • Trust only official channels, such as movilidadsegura.org. Never pay anyone who promises a place, a work visa or an appointment.
    [maybe] The office can confirm it: ask through movilidadsegura.org or, from Guatemala, on its free line 1 800 3000 203. UNHCR, IOM and free legal aid organisations can also help.
        What is not clear: at first, people from El Salvador, Honduras and Nicaragua could apply too. But the sources do not say clearly from which country they could apply, and later only Guatemalans could. Check before you act.
   *[other] If you are Guatemalan, are in Guatemala and are 18 or older, you can ask for a free screening. You need a valid email and phone number.
        • Fill in the free form on the Guatemala page of movilidadsegura.org.
        • Appointments are at centres in cities such as Quetzaltenango, San Marcos and Huehuetenango.
        • Only UNHCR or IOM (UN agencies) will contact you.
        • Questions about your case: the office's free line, 1 800 3000 203, or a free legal aid organisation.
        • Some of your data may be shared with the Government of Guatemala.
        The office checks pathways such as family reunification, temporary work visas and the refugee programme. Filling in the form does not guarantee approval.
}

## CHNV parole

o-chnv_parole = Parole for people from Cuba, Haiti, Nicaragua and Venezuela (CHNV)
o-chnv_parole-next = { $status ->
    [closed] This parole process (permission to enter and stay in the U.S. for a limited time) no longer takes cases. The U.S. government ended it with an official notice.
        The notice said parole given through it would end on 24 April 2025, unless the government decided otherwise in a person's case. Court cases were filed about it.
        • If you or your family have this parole, a free legal aid organisation can check what options remain. UNHCR and IOM (the UN agencies for refugees and for migrants) also give free information.
        • Be careful with anyone who offers to "reopen" the process or to find you a supporter for money. The official information is on uscis.gov.
    [maybe] This process has no office you can call. Who can confirm it: the official USCIS page (button below) and a free legal aid organisation. UNHCR and IOM also give free information.
        { $chnv_role ->
            [family] CHNV parole can include the close family of a person from Cuba, Haiti, Nicaragua or Venezuela, whatever their nationality: their partner and their unmarried children under 21.
                • Your case depends on that person's case. They need a supporter in the U.S., who files a Form I-134A for each family member.
                • The other conditions (passport, security and health checks) are checked for each person: see them on the official page.
                • Until 5 January 2023 only the process for Venezuelans existed.
                • The process may be paused or ending: check the official page.
           *[other] Check what is not clear in your case:
                • If you answered "I don't know": find out (your supporter, an entry without permission or a removal order) before you go on.
                • If you have a regular status where you live (such as Colombia's PPT), or don't know if you have residence elsewhere: the sources do not say what counts as permanent residence.
                • If you are from Nicaragua or Venezuela and were stopped at sea after 27 April 2023: that rule was published for Cuba and Haiti; for you it is not confirmed.
                • The process may be paused or ending: check the official page.
        }
        Be careful with anyone who asks for money to be your supporter.
   *[other] Parole is permission to enter and stay in the U.S. for a limited time (up to 2 years). You may be able to get it if:
        • a supporter in the U.S. with a legal status files Form I-134A for you online (a form a person in the U.S. fills in to support you). They do not have to be a relative;
        • you have a valid passport;
        • you did not enter the U.S. irregularly, or Mexico or Panama without permission, after 19 October 2022 (Venezuelans) or 9 January 2023 (Cubans, Haitians, Nicaraguans). There is one exception: if you then left voluntarily once;
        • you pass security and health checks.
        You do not apply yourself: your supporter starts the process on uscis.gov. If you are approved, you get a travel authorisation and pay for your own flight. Your partner and unmarried children under 21 can be included, even with another nationality; children under 18 travel with a parent or guardian.
        Who can confirm it: the official USCIS page (button below) and a free legal aid organisation. Be careful with anyone who asks for money to be your supporter.
}

## Family reunification parole

o-family_reunification_parole = U.S. family reunification parole
o-family_reunification_parole-next = { $status ->
    [closed] This process no longer takes cases: the U.S. ended all family reunification parole processes with an official notice.
        The notice said that parole still valid on 14 January 2026 would end that day, unless the person had filed an application for permanent residence (Form I-485) by { $closes } and it was still pending, or the government decided otherwise in the case.
        • If a relative filed Form I-130 for you (a petition a U.S. citizen or permanent resident relative files for you), ask a free legal aid organisation what options remain. UNHCR and IOM also give free information.
        • Use only uscis.gov. Never pay anyone who promises an invitation.
    [maybe] This process has no office you can call. Who can confirm it: your relative in the U.S. (the invitation goes to them), the official USCIS page (button below) and a free legal aid organisation.
        Check what is not clear in your case:
        • If your relative's Form I-130 was approved but they got no invitation: only people whose relative was invited by the U.S. National Visa Center (NVC) can use this process. Nobody can ask for an invitation.
        • If you answered "I don't know": ask your relative if they filed Form I-130 for you, if it was approved, and if the NVC invited them.
        • If you are from Cuba or Haiti: until 10 August 2023 you had to be in Cuba or Haiti. For Haiti, only petitions approved by 18 December 2014 counted then.
        • If you are from Ecuador: the sources give two start dates, 16 and 17 November 2023.
        • The process may be ending: check the official page.
        Never pay anyone who promises an invitation.
   *[other] This process is by invitation only:
        • Your relative, a U.S. citizen or permanent resident, filed Form I-130 for you (the family petition so that you can immigrate), and it was approved.
        • The U.S. National Visa Center (NVC) sends them an invitation.
        • Only then does your relative fill in Form I-134A online (a form a person in the U.S. fills in to support you).
        • You must be outside the U.S. and pass security and medical checks.
        If approved, you could travel to the U.S. with parole (permission to stay for a limited time, up to 3 years), and you could ask for a work permit.
        Who can confirm it: the official USCIS page (button below) and a free legal aid organisation. Nobody can sell you an invitation.
}

## CBP One

o-cbp_one = CBP One appointment at the U.S. border

-clp-warning = Careful: under a U.S. rule (11 May 2023 to 11 May 2025), people who cross the border without permission and without an appointment, after passing through another country, are presumed unable to get asylum, with some exceptions.
o-cbp_one-next = { $status ->
    [closed] The U.S. removed appointments from the CBP One app and cancelled the appointments people had. The app no longer gives border appointments.
        CBP Home, a later app, is for people who want to leave the U.S., not for appointments.
        • Anyone who sells you an appointment is scamming you.
        • { -clp-warning }
        • For free help, ask UNHCR, IOM (the UN agencies for refugees and for migrants) or a free legal aid organisation.
    [maybe] This app has no office you can call: the app itself checks your location when you ask for an appointment. Who can guide you: the official CBP One page (button below), UNHCR, IOM and free legal aid organisations.
        Check where you are before you act:
        • The app works in central and northern Mexico, north of the 19th parallel (about Mexico City and further north).
        • From 23 August 2024 it also works in Chiapas and Tabasco, but not in other southern states such as Oaxaca or Guerrero.
        { -clp-warning }
        Appointments are free.
   *[other] CBP One is the free official app of U.S. Customs and Border Protection (CBP). If you have no documents to enter the U.S. and are in central or northern Mexico, you can ask in the app for an appointment at one of eight border crossings: Brownsville, Eagle Pass, Hidalgo, Laredo and El Paso (Texas), Nogales (Arizona), Calexico and San Ysidro (California).
        • Add the family members who travel with you.
        • If you get an appointment, confirm it in the app in time. The app checks where you are and takes a photo of you.
        • Appointments are free. Nobody can sell you one.
        { -clp-warning }
        An appointment is not a visa: at the border, U.S. officers decide. Who can guide you: the official CBP One page (button below), UNHCR, IOM and free legal aid organisations.
}

## Canada

o-canada_family_pathway = Canada: family pathway for Colombians, Haitians and Venezuelans
o-canada_family_pathway-next = { $status ->
    [closed] Canada stopped taking new applications for this pathway because it expected to fill the places. The sources do not say that it reopened.
        • If you applied, check your application on the official Government of Canada (IRCC) site.
        • Never pay anyone who promises you a place: people applied directly on the IRCC portal.
        • For free help, ask UNHCR, IOM or a free legal aid organisation.
    [maybe] This pathway has no office you can call. Who can confirm it: the Government of Canada, on the official IRCC site (button below). A free legal aid organisation can also help.
        Check what is not clear in your case:
        • If you live outside Central or South America, Mexico and the Caribbean: the pathway is only for people living in those regions.
        • If you answered "I don't know": the relative must be a Canadian citizen or permanent resident, must be your child, grandchild, spouse or partner, parent, grandparent, brother or sister, and must agree to support you for one year.
   *[other] Canada offers permanent residence (the right to live in Canada for good) to Colombians, Haitians and Venezuelans who live in Central or South America, Mexico or the Caribbean and have a close relative in Canada.
        • The relative is a Canadian citizen or permanent resident, and you are their child, grandchild, spouse or partner, parent, grandparent, brother or sister.
        • They agree to support you for one year and sign a sworn statement.
        • You must plan to live outside Quebec.
        • You apply online, on the portal of Immigration, Refugees and Citizenship Canada (IRCC). Places are limited.
        The sources do not mention a Safe Mobility referral for this. Who can confirm it: the Government of Canada (IRCC), on its official site. A free legal aid organisation can also help.
}

## Links

link-movilidad_segura = Safe Mobility (official)
link-uscis_chnv = USCIS: CHNV parole (official)
link-uscis_frp = USCIS: family parole (official)
link-cbp_one = CBP One (official)
link-ircc = Government of Canada (IRCC)
link-state_smo = U.S. State Dept: Ecuador office
