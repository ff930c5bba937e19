# Messages of rules/example/example.yaml. Ids follow the rules: q-<question>, q-<question>-<choice>,
# o-<outcome>, o-<outcome>-next, link-<link>.

q-age = How old are you?
    .short = Age
q-age-adult = 18 or older
q-age-minor = Under 18

q-location = Which country are you in now?
    .short = Country now
q-location-colombia = Colombia
q-location-mexico = Mexico
q-location-united_states = United States
q-location-other = Another country

q-mexico_region = Where in Mexico are you?
    .short = Region of Mexico
q-mexico_region-north_or_central = Mexico City or further north
q-mexico_region-chiapas_tabasco = Chiapas or Tabasco
q-mexico_region-other_south = Elsewhere in the south
q-mexico_region-unsure = I don't know

q-nationality = What is your nationality?
    .short = Nationality
q-nationality-cuba = Cuban
q-nationality-haiti = Haitian
q-nationality-venezuela = Venezuelan
q-nationality-colombia = Colombian
q-nationality-other = Another nationality

q-arrived_by_cutoff = Were you in Colombia on or before { $cutoff }?
    .short = In Colombia by the date
q-arrived_by_cutoff-yes = Yes
q-arrived_by_cutoff-no = No, I came later
q-arrived_by_cutoff-unsure = I don't know

q-host_status = What is your migration status in Colombia today?
    .short = Status in Colombia
q-host_status-regular = Regular status (e.g. PPT)
q-host_status-regularizing = Regularization in process
q-host_status-none = No status
q-host_status-unsure = I don't know

o-minor_referral = You are under 18
o-minor_referral-next = A parent or legal guardian should look at these pathways for the whole family. If you are on your own, ask UNHCR, IOM or a child-protection service for free help.

o-in_united_states = You are in the United States
o-in_united_states-next = These pathways were for people outside the United States. Look for free, trusted legal help near you: a nonprofit organisation or an accredited representative. Beware of anyone who charges to "fix your papers".

o-smo_colombia = Safe Mobility Office in Colombia
o-smo_colombia-next = Cubans, Haitians and Venezuelans who were in Colombia on or before { $cutoff }, with a regular status or in regularization, could ask for a free screening at movilidadsegura.org. Free phone line in Colombia: 0 1800 519 0665. Only UNHCR or IOM contacted applicants.

o-cbp_one = CBP One appointment at the U.S. border
o-cbp_one-next = People without entry documents in central or northern Mexico could ask in the CBP One app for a free appointment at one of eight U.S. ports of entry. From 23 August 2024 this also worked from Chiapas and Tabasco. Scheduling ended on 20 January 2025 and existing appointments were cancelled.

o-no_pathway_found = No open pathway found for your answers
o-no_pathway_found-next = Most of these programmes have closed. UNHCR, IOM and free legal aid organisations can still help. Never pay anyone who promises an appointment, a visa or a place in a programme.

link-movilidad_segura = Safe Mobility (official)
link-cbp_one = CBP One (official)
