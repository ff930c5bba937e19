# Mensajes de rules/example/example.yaml. Los ids siguen a las reglas: q-<pregunta>,
# q-<pregunta>-<opción>, o-<resultado>, o-<resultado>-next, link-<enlace>.

q-age = ¿Cuántos años tienes?
    .short = Edad
q-age-adult = 18 años o más
q-age-minor = Menos de 18 años

q-location = ¿En qué país estás ahora?
    .short = País actual
q-location-colombia = Colombia
q-location-mexico = México
q-location-united_states = Estados Unidos
q-location-other = Otro país

q-mexico_region = ¿En qué parte de México estás?
    .short = Región de México
q-mexico_region-north_or_central = CDMX o más al norte
q-mexico_region-chiapas_tabasco = Chiapas o Tabasco
q-mexico_region-other_south = Otra parte del sur
q-mexico_region-unsure = No sé

q-nationality = ¿Cuál es tu nacionalidad?
    .short = Nacionalidad
q-nationality-cuba = Cubana
q-nationality-haiti = Haitiana
q-nationality-venezuela = Venezolana
q-nationality-colombia = Colombiana
q-nationality-other = Otra nacionalidad

q-arrived_by_cutoff = ¿Estabas en Colombia el { $cutoff } o antes?
    .short = En Colombia a la fecha
q-arrived_by_cutoff-yes = Sí
q-arrived_by_cutoff-no = No, llegué después
q-arrived_by_cutoff-unsure = No sé

q-host_status = ¿Cuál es tu situación migratoria hoy en Colombia?
    .short = Situación en Colombia
q-host_status-regular = Estatus regular (p. ej. PPT)
q-host_status-regularizing = En proceso de regularización
q-host_status-none = Sin estatus
q-host_status-unsure = No sé

o-minor_referral = Eres menor de 18 años
o-minor_referral-next = Tu mamá, tu papá o tu tutor legal debe revisar estos caminos para toda la familia. Si estás solo o sola, pide ayuda gratuita a ACNUR, a la OIM o a un servicio de protección de la niñez.

o-in_united_states = Estás en Estados Unidos
o-in_united_states-next = Estos caminos eran para personas fuera de Estados Unidos. Busca ayuda legal gratuita y de confianza cerca de ti: una organización sin fines de lucro o un representante acreditado. Desconfía de quien te cobre por "arreglar tus papeles".

o-smo_colombia = Oficina de Movilidad Segura en Colombia
o-smo_colombia-next = Las personas cubanas, haitianas y venezolanas que estaban en Colombia el { $cutoff } o antes, con estatus regular o en proceso de regularización, podían pedir una evaluación gratuita en movilidadsegura.org. Línea gratuita en Colombia: 0 1800 519 0665. Solo ACNUR o la OIM contactaban a los solicitantes.

o-cbp_one = Cita de CBP One en la frontera de EE. UU.
o-cbp_one-next = Las personas sin documentos de entrada en el centro o el norte de México podían pedir en la app CBP One una cita gratuita en uno de ocho puertos de entrada de EE. UU. Desde el 23 de agosto de 2024 también se podía desde Chiapas y Tabasco. Las citas se terminaron el 20 de enero de 2025 y las que había se cancelaron.

o-no_pathway_found = No encontramos un camino abierto para tus respuestas
o-no_pathway_found-next = La mayoría de estos programas cerraron. ACNUR, la OIM y las organizaciones de ayuda legal gratuita todavía pueden ayudarte. Nunca le pagues a nadie que te prometa una cita, una visa o un cupo en un programa.

link-movilidad_segura = Movilidad Segura (oficial)
link-cbp_one = CBP One (oficial)
