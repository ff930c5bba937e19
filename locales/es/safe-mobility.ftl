# Mensajes de rules/safe-mobility.yaml (español de América Latina, tuteo). Los ids siguen a
# las reglas: q-<pregunta>, q-<pregunta>-<opción>, o-<resultado>, o-<resultado>-next,
# link-<enlace>.
#
# La interfaz ya muestra en cada resultado: la línea de estado (con la fecha de cierre o de
# apertura), "Porque respondiste", las fuentes y el pie ("es gratis", "no es asesoría legal",
# fecha de revisión). Estos textos no lo repiten.
#
# Los `o-*-next` eligen según `$status`: `closed`, `maybe` y la variante por defecto (`open`,
# `upcoming`). Cada variante, en menos de unos 900 caracteres; las variantes por defecto deben
# leerse bien tanto antes de que abra un programa como mientras está abierto.
#
# La línea de estado `maybe` (interface.ftl, que no se toca aquí) dice "confírmalo con la
# oficina". Las Oficinas de Movilidad Segura tienen oficina y línea gratuita; el parole CHNV, la
# reunificación familiar, CBP One y Canadá no. Por eso cada variante `[maybe]` empieza diciendo
# quién puede confirmarlo (la oficina, USCIS, la app, IRCC, ACNUR/OIM, ayuda legal gratuita), y
# cada variante por defecto también lo dice.
#
# Variables de las reglas: `$country` (id del país de la oficina; cada idioma escribe el
# nombre), `$chnv_role` (`principal` o `family`: la tarjeta CHNV habla a una persona de Cuba,
# Haití, Nicaragua o Venezuela, o a un familiar de otra nacionalidad).
# Tuteo en todos los textos.

## Preguntas

q-location = Unas preguntas para ver qué caminos legales podrían servirte.
    ¿En qué país estás ahora?
    .short = País actual
q-location-colombia = Colombia
q-location-costa_rica = Costa Rica
q-location-ecuador = Ecuador
q-location-guatemala = Guatemala
q-location-mexico = México
q-location-united_states = Estados Unidos
q-location-other = Otro país

q-age = ¿Cuántos años tienes?
    Si viajas con tus hijos, responde sobre ti.
    .short = Edad
q-age-adult = 18 años o más
q-age-minor = Menos de 18 años

q-mexico_region = ¿En qué parte de México estás?
    La app CBP One funciona en el centro y el norte de México: al norte del paralelo 19, una línea que pasa justo al sur de la Ciudad de México. Oaxaca, Guerrero, Chiapas y Tabasco, por ejemplo, quedan más al sur.
    .short = Región de México
q-mexico_region-north_or_central = CDMX o más al norte
q-mexico_region-south = Más al sur
q-mexico_region-unsure = No sé

q-nationality = ¿Cuál es tu nacionalidad?
    Si tienes más de una, elige la que está en esta lista.
    .short = Nacionalidad
q-nationality-cuba = Cubana
q-nationality-haiti = Haitiana
q-nationality-nicaragua = Nicaragüense
q-nationality-venezuela = Venezolana
q-nationality-colombia = Colombiana
q-nationality-ecuador = Ecuatoriana
q-nationality-el_salvador = Salvadoreña
q-nationality-guatemala = Guatemalteca
q-nationality-honduras = Hondureña
q-nationality-other = Otra nacionalidad

q-arrived_by_cutoff = ¿Ya estabas en { $country ->
        [colombia] Colombia
        [costa_rica] Costa Rica
        [ecuador] Ecuador
       *[other] el país donde estás ahora
    } el { $cutoff }?
    La Oficina de Movilidad Segura de este país solo atiende a quienes llegaron ese día o antes.
    .short = En el país a la fecha
q-arrived_by_cutoff-yes = Sí, ya estaba aquí
q-arrived_by_cutoff-no = No, llegué después
q-arrived_by_cutoff-unsure = No sé

q-host_status = ¿Cuál es tu situación migratoria hoy en { $country ->
        [colombia] Colombia
        [costa_rica] Costa Rica
        [ecuador] Ecuador
       *[other] este país
    }?
    • Estatus regular: tienes un permiso o una visa para quedarte (en Colombia, por ejemplo, el PPT).
    • En proceso de regularización: pediste ese permiso y esperas la respuesta.
    • Solicitante de refugio: pediste refugio y esperas la respuesta.
    • Condición de refugiado: este país ya te reconoció como refugiado o refugiada.
    .short = Situación en el país
q-host_status-regular = Estatus regular (permiso, visa)
q-host_status-regularizing = En proceso de regularización
q-host_status-asylum_seeker = Solicitante de refugio
q-host_status-refugee = Condición de refugiado
q-host_status-none = Sin estatus
q-host_status-unsure = No sé

q-registered_by_cutoff = { $country ->
        [costa_rica] ¿Tu solicitud de refugio en Costa Rica quedó registrada antes del { $cutoff }?
            Cuenta la fecha en que pediste refugio, no la fecha en que llegaste. Si fue ese mismo día o después, responde "No".
        [ecuador] ¿Tu solicitud de refugio en Ecuador quedó registrada el { $cutoff } o antes?
            Cuenta la fecha en que pediste refugio, no la fecha en que llegaste.
       *[other] ¿Tu solicitud de refugio en este país quedó registrada el { $cutoff } o antes?
            Cuenta la fecha en que pediste refugio, no la fecha en que llegaste.
    }
    .short = Refugio pedido a la fecha
q-registered_by_cutoff-yes = Sí
q-registered_by_cutoff-no = No
q-registered_by_cutoff-unsure = No sé

q-other_citizenship = Las siguientes preguntas son sobre el parole CHNV: un proceso de EE. UU. para personas de Cuba, Haití, Nicaragua y Venezuela. El parole es un permiso para entrar y quedarte en EE. UU. por un tiempo limitado.
    Este proceso no acepta a quien tiene otra nacionalidad, o residencia permanente o refugio en otro país. También cuenta el refugio en el país donde vives ahora.
    ¿Es tu caso?
    Si tienes un permiso temporal (como el PPT de Colombia) y no sabes si cuenta, responde "No sé".
    .short = Otra nacionalidad/residencia
q-other_citizenship-yes = Sí
q-other_citizenship-no = No
q-other_citizenship-unsure = No sé

q-us_supporter = ¿Hay una persona en EE. UU. dispuesta a patrocinarte?
    Esa persona llena en línea el Formulario I-134A: un formulario que alguien en EE. UU. llena para apoyarte. Debe estar en EE. UU. con un estatus legal (por ejemplo, ciudadano, residente permanente o con parole). No tiene que ser tu familiar.
    .short = Patrocinador en EE. UU.
q-us_supporter-yes = Sí
q-us_supporter-no = No
q-us_supporter-unsure = No sé

q-passport = ¿Tienes un pasaporte vigente (sin vencer) que sirva para viajar a otros países?
    Si eres de Venezuela y tu pasaporte venció pero tiene prórroga, responde "Sí" y revisa las reglas en la página oficial de USCIS.
    .short = Pasaporte vigente
q-passport-yes = Sí
q-passport-no = No

q-irregular_entry = Después del { $chnv_cutoff }, ¿entraste a EE. UU. sin pasar por un cruce fronterizo oficial, o entraste a México o Panamá sin permiso?
    Cruzar la selva del Darién hacia Panamá cuenta como entrar sin permiso.
    Elige la tercera respuesta si, después de esa entrada, las autoridades de EE. UU. te dejaron salir de forma voluntaria o retirar tu solicitud de entrada, y eso pasó una sola vez.
    .short = Entrada sin permiso
q-irregular_entry-no = No
q-irregular_entry-yes = Sí
q-irregular_entry-yes_once_returned = Sí, con una salida voluntaria
q-irregular_entry-unsure = No sé

q-interdicted_at_sea = Después del 27 de abril de 2023, ¿te detuvieron en el mar (por ejemplo, la Guardia Costera de EE. UU.) cuando intentabas llegar a EE. UU. en una embarcación?
    .short = Intercepción en el mar
q-interdicted_at_sea-yes = Sí
q-interdicted_at_sea-no = No

q-removal_order = En los últimos cinco años, ¿EE. UU. ordenó tu deportación (expulsión)?
    Es una decisión de un juez o un oficial de inmigración de EE. UU.
    .short = Orden de deportación
q-removal_order-yes = Sí
q-removal_order-no = No
q-removal_order-unsure = No sé

q-us_family_petition = ¿Un familiar presentó el Formulario I-130 por ti?
    El Formulario I-130 es una petición que un familiar ciudadano o residente permanente de EE. UU. presenta por ti para que puedas inmigrar.
    Para el parole de reunificación familiar, además, el Centro Nacional de Visas de EE. UU. (NVC) tiene que enviarle una invitación a tu familiar.
    .short = Petición familiar (I-130)
q-us_family_petition-invited = Sí, y le llegó la invitación
q-us_family_petition-approved = Aprobada, sin invitación
q-us_family_petition-no = No, o aún no la aprueban
q-us_family_petition-unsure = No sé

q-canada_relative = Canadá tiene una vía a la residencia permanente para personas de Colombia, Haití y Venezuela con familia en Canadá.
    ¿Tienes un familiar cercano en Canadá que sea ciudadano o residente permanente de Canadá, y que te apoyaría durante un año?
    Familiar cercano: tu hijo o hija, nieto o nieta, cónyuge o pareja, padre o madre, abuelo o abuela, hermano o hermana.
    .short = Familiar en Canadá
q-canada_relative-yes = Sí
q-canada_relative-no = No
q-canada_relative-unsure = No sé

q-chnv_family = Una última pregunta, sobre el parole CHNV: un proceso de EE. UU. para personas de Cuba, Haití, Nicaragua y Venezuela. Ese proceso también puede incluir a su familia cercana, sea cual sea su nacionalidad.
    ¿Tu esposo o esposa, o tu pareja, es de Cuba, Haití, Nicaragua o Venezuela?
    Si tienes menos de 21 años y no estás casado o casada: ¿tu mamá o tu papá es de uno de esos países?
    .short = Pareja o padres de país CHNV
q-chnv_family-yes = Sí
q-chnv_family-no = No

## Tarjetas de orientación

o-in_united_states = Estás en Estados Unidos
o-in_united_states-next = Los caminos de esta guía son para personas que están fuera de Estados Unidos, así que esta guía no puede revisar tu caso.
    • Busca ayuda legal gratuita y de confianza: una organización sin fines de lucro, un abogado con licencia o un representante acreditado.
    • En EE. UU., un "notario" no es abogado y no puede darte asesoría legal.
    • Usa solo sitios oficiales, como uscis.gov. Nunca le pagues a nadie que te prometa papeles rápido.

o-minor_referral = Eres menor de 18 años
o-minor_referral-next = En estos programas aplican las personas adultas, y sus hijos menores de edad van incluidos en su solicitud.
    • Pídele a tu mamá, a tu papá o a tu tutor legal que responda estas preguntas por la familia.
    • Si estás solo o sola, puedes pedir protección. ACNUR, la OIM (las agencias de la ONU para refugiados y para migrantes) o el servicio de protección de la niñez del país donde estás pueden ayudarte gratis.
    • No te vayas con nadie que te ofrezca cruzarte una frontera a cambio de dinero.

o-no_pathway_found = No encontramos un camino abierto para tus respuestas
o-no_pathway_found-next = Con tus respuestas, no encontramos en esta guía ningún camino abierto para ti ahora. Los programas cambian: algunos abren y otros cierran. Lo que todavía te puede ayudar:
    • ACNUR y la OIM (las agencias de la ONU para refugiados y para migrantes) dan información gratuita en muchos países.
    • Las organizaciones de ayuda legal gratuita pueden revisar tu caso.
    • Si tienes miedo de volver a tu país, díselo a ACNUR. Te pueden explicar cómo pedir protección donde estás.
    • Confía solo en canales oficiales. El sitio de Movilidad Segura (botón de abajo) publica sus avisos oficiales.
    • Nunca le pagues a nadie que te prometa una visa, una cita, un parole o un cupo en un programa.

## Oficinas de Movilidad Segura

o-smo_colombia = Oficina de Movilidad Segura en Colombia
o-smo_colombia-next = { $status ->
    [closed] Esta oficina atendía a personas de Cuba, Haití y Venezuela que estaban en Colombia el { $cutoff } o antes. Ya no recibe solicitudes.
        Si tu caso ya fue referido, el sitio oficial dice que recibirás información más adelante. Mantén al día tu teléfono y tu correo.
        Lo que todavía te puede ayudar:
        • ACNUR y la OIM (las agencias de la ONU para refugiados y para migrantes) dan información gratuita en Colombia.
        • Las organizaciones de ayuda legal gratuita pueden revisar tu caso.
        • Confía solo en canales oficiales, como movilidadsegura.org. Nunca le pagues a nadie que te prometa un cupo o una cita.
    [maybe] Quien puede confirmarlo es la oficina: pregunta en su línea gratuita, { $hotline }, o en movilidadsegura.org. ACNUR, la OIM y las organizaciones de ayuda legal gratuita también te pueden orientar.
        Revisa lo que no está claro en tu caso antes de hacer cualquier trámite:
        • Si respondiste "No sé": averigua la fecha en que llegaste y tu situación migratoria hoy en Colombia. Tus documentos suelen decirlo.
        • Si eres solicitante de refugio (con salvoconducto SC-2) o ya tienes la condición de refugiado: las fuentes no dicen si eso cuenta como "en proceso de regularización".
        • La oficina puede dejar de recibir solicitudes nuevas: confirma que todavía las recibe.
   *[other] Si eres de Cuba, Haití o Venezuela y estabas en Colombia el { $cutoff } o antes, puedes pedir una evaluación gratuita, aunque hayas entrado de forma irregular. Al momento de pedirla necesitas tener estatus regular o estar en proceso de regularización, y tener 18 años o más.
        • Se pide solo en línea, en la página de Colombia de movilidadsegura.org. El formulario funciona solo desde Colombia y abre ciertos días: el sitio dice cuándo.
        • Incluye a los familiares que están contigo.
        • Solo ACNUR o la OIM (agencias de la ONU) te contactarán para darte una cita. La oficina no atiende sin cita.
        • Para dudas sobre tu caso: la línea gratuita de la oficina, { $hotline }, o una organización de ayuda legal gratuita.
        • Si ya enviaste tu solicitud, no la envíes otra vez.
        La oficina revisa si podrías ir a EE. UU. con el programa de refugiados o por otra vía legal. Pedir la evaluación no garantiza que vayas a viajar.
}

o-smo_costa_rica = Oficina de Movilidad Segura en Costa Rica
o-smo_costa_rica-next = { $status ->
    [closed] Esta oficina atendía a personas de Nicaragua y Venezuela (y, desde 2024, de Ecuador) que estaban en Costa Rica el { $cutoff } y habían pedido refugio. Ya no recibe solicitudes.
        Si tu caso ya fue referido, el sitio oficial dice que recibirás información más adelante. Mantén al día tu teléfono y tu correo.
        El programa de trabajo en España para personas refugiadas nicaragüenses en Costa Rica no tenía formulario: ACNUR y la OIM elegían a las personas.
        Lo que todavía te puede ayudar: ACNUR, la OIM (las agencias de la ONU para refugiados y para migrantes) y las organizaciones de ayuda legal gratuita. Confía solo en canales oficiales. Nunca le pagues a nadie que te prometa un cupo, un viaje o una cita.
    [maybe] Quien puede confirmarlo es la oficina: pregunta en su línea gratuita, { $hotline }, o en movilidadsegura.org. ACNUR, la OIM y las organizaciones de ayuda legal gratuita también te pueden orientar.
        Revisa lo que no está claro en tu caso antes de hacer cualquier trámite:
        • Si respondiste "No sé": averigua la fecha en que llegaste y la fecha de tu solicitud de refugio. Tus documentos suelen decirlo.
        • Si tu solicitud de refugio quedó registrada el { $cutoff } o después: funcionarios de Costa Rica dijeron que debía ser anterior a esa fecha. El comunicado de EE. UU. solo dice "registrados actualmente".
        • Si ya tienes la condición de refugiado: los funcionarios dijeron que no se incluía a personas refugiadas. El comunicado de EE. UU. no lo dice.
        • Si eres de Ecuador: las fuentes no dan el día en que se sumó a las personas ecuatorianas.
   *[other] Si eres de Nicaragua o Venezuela, estabas en Costa Rica el { $cutoff } y tu solicitud de refugio quedó registrada antes de esa fecha, puedes pedir una evaluación gratuita. Quienes llegaron después de esa fecha no pueden.
        • Pide una cita en línea en movilidadsegura.org. Al principio, la oficina contactaba ella misma a las personas. No se puede pedir en persona en la oficina.
        • Solo ACNUR o la OIM (agencias de la ONU) te contactarán.
        • Para dudas sobre tu caso: la línea gratuita de la oficina, { $hotline }, o una organización de ayuda legal gratuita.
        La oficina revisa caminos como el programa de refugiados de EE. UU., el parole (un permiso para entrar a EE. UU. por un tiempo limitado), la reunificación familiar y el trabajo temporal. ACNUR y la OIM también eligieron a algunas personas refugiadas nicaragüenses para un programa de trabajo en España; ese programa no recibía solicitudes. Pedir la evaluación no garantiza que vayas a viajar.
}

o-smo_ecuador = Oficina de Movilidad Segura en Ecuador
o-smo_ecuador-next = { $status ->
    [closed] Esta oficina atendía a personas de Cuba, Haití, Nicaragua, Venezuela y Colombia que estaban en Ecuador el { $cutoff } o antes. Ya no recibe solicitudes.
        Si tu caso ya fue referido, el sitio oficial dice que recibirás información más adelante. Mantén al día tu teléfono y tu correo.
        Lo que todavía te puede ayudar:
        • ACNUR y la OIM (las agencias de la ONU para refugiados y para migrantes) dan información gratuita en Ecuador.
        • Las organizaciones de ayuda legal gratuita pueden revisar tu caso.
        • Confía solo en canales oficiales, como movilidadsegura.org. Nunca le pagues a nadie que te prometa un cupo o una cita.
    [maybe] Quien puede confirmarlo es la oficina: pregunta en su línea gratuita, { $hotline }, o en movilidadsegura.org. ACNUR, la OIM y las organizaciones de ayuda legal gratuita también te pueden orientar.
        Revisa lo que no está claro en tu caso antes de hacer cualquier trámite:
        • Si respondiste "No sé": averigua la fecha en que llegaste, tu situación migratoria hoy en Ecuador y cuándo se registró tu solicitud de refugio. Tus documentos suelen decirlo.
        • Si ya tienes estatus regular (una visa, por ejemplo): las fuentes hablan de quienes pidieron la regularización en Ecuador, no de quienes ya tienen un estatus.
        • La oficina puede dejar de recibir solicitudes nuevas: confirma que todavía las recibe.
   *[other] Si eres de Cuba, Haití, Nicaragua, Venezuela o Colombia y estabas en Ecuador el { $cutoff } o antes, puedes pedir una evaluación gratuita si pediste la regularización en Ecuador, o si tu solicitud de refugio quedó registrada hasta esa fecha (también si ya tienes la condición de refugiado).
        • Primero, la oficina contactó ella misma a solicitantes de refugio registrados. Solicitudes en línea en movilidadsegura.org: desde el 20 de noviembre de 2023, ciertos días hasta que se acaban los cupos del día. El sitio dice cuándo.
        • Solo ACNUR o la OIM (agencias de la ONU) te contactarán. La oficina atiende solo con cita.
        • Para dudas sobre tu caso: la línea gratuita de la oficina, { $hotline }, o una organización de ayuda legal gratuita.
        • Si ya enviaste tu solicitud, no la envíes otra vez.
        La oficina revisa caminos legales a EE. UU., como el programa de refugiados. Pedir la evaluación no garantiza que vayas a viajar.
}

o-smo_guatemala = Oficina de Movilidad Segura en Guatemala
o-smo_guatemala-next = { $status ->
    [closed] Esta oficina atendía a personas guatemaltecas en Guatemala (y, al principio, a personas de El Salvador, Honduras y Nicaragua). Ya no recibe solicitudes.
        Si tu caso ya fue referido, el sitio oficial dice que recibirás información más adelante. Mantén al día tu teléfono y tu correo.
        Lo que todavía te puede ayudar:
        • ACNUR y la OIM (las agencias de la ONU para refugiados y para migrantes) dan información gratuita.
        • Las organizaciones de ayuda legal gratuita pueden revisar tu caso.
        • Confía solo en canales oficiales, como movilidadsegura.org. Nunca le pagues a nadie que te prometa un cupo, una visa de trabajo o una cita.
    [maybe] Quien puede confirmarlo es la oficina: pregunta en movilidadsegura.org o, desde Guatemala, en su línea gratuita 1 800 3000 203. ACNUR, la OIM y las organizaciones de ayuda legal gratuita también te pueden orientar.
        Lo que no está claro: al principio, personas de El Salvador, Honduras y Nicaragua también podían aplicar. Pero las fuentes no dicen con claridad desde qué país, y después solo podían aplicar personas guatemaltecas. Confírmalo antes de hacer cualquier trámite.
   *[other] Si tienes nacionalidad guatemalteca, estás en Guatemala y tienes 18 años o más, puedes pedir una evaluación gratuita. Necesitas un correo y un teléfono que funcionen.
        • Llena el formulario gratuito en la página de Guatemala de movilidadsegura.org.
        • Las citas son en centros de ciudades como Quetzaltenango, San Marcos y Huehuetenango.
        • Solo ACNUR o la OIM (agencias de la ONU) te contactarán.
        • Para dudas sobre tu caso: la línea gratuita de la oficina, 1 800 3000 203, o una organización de ayuda legal gratuita.
        • Algunos de tus datos pueden compartirse con el Gobierno de Guatemala.
        La oficina revisa caminos como la reunificación familiar, las visas de trabajo temporal y el programa de refugiados. Llenar el formulario no garantiza que te aprueben.
}

## Parole CHNV

o-chnv_parole = Parole para personas de Cuba, Haití, Nicaragua y Venezuela (CHNV)
o-chnv_parole-next = { $status ->
    [closed] Este proceso de parole (un permiso para entrar y quedarte en EE. UU. por un tiempo limitado) ya no recibe casos. El gobierno de EE. UU. lo terminó con un aviso oficial.
        El aviso dijo que el parole dado por este proceso terminaría el 24 de abril de 2025, salvo que el gobierno decidiera otra cosa en el caso de una persona. Hubo demandas en los tribunales por esto.
        • Si tú o tu familia tienen este parole, una organización de ayuda legal gratuita puede revisar qué opciones te quedan. ACNUR y la OIM (las agencias de la ONU para refugiados y para migrantes) también dan información gratis.
        • Cuidado con quien te ofrezca "reabrir" el proceso o conseguirte un patrocinador a cambio de dinero. La información oficial está en uscis.gov.
    [maybe] Este proceso no tiene una oficina a la que puedas llamar. Quienes pueden confirmarlo: la página oficial de USCIS (botón de abajo) y una organización de ayuda legal gratuita. ACNUR y la OIM también dan información gratis.
        { $chnv_role ->
            [family] El parole CHNV puede incluir a la familia cercana de una persona de Cuba, Haití, Nicaragua o Venezuela, sea cual sea su nacionalidad: su pareja y sus hijos solteros menores de 21 años.
                • Tu caso depende del caso de esa persona. Necesita un patrocinador en EE. UU., que llena un Formulario I-134A para cada persona de la familia.
                • Las demás condiciones (pasaporte, controles de seguridad y de salud) se revisan para cada persona: míralas en la página oficial.
                • Hasta el 5 de enero de 2023 solo existía el proceso para personas de Venezuela.
                • El proceso puede estar pausado o por terminar: revisa la página oficial.
           *[other] Revisa lo que no está claro en tu caso:
                • Si respondiste "No sé": averigua ese dato (tu patrocinador, una entrada sin permiso o una orden de deportación) antes de seguir.
                • Si tienes estatus regular en el país donde vives (como el PPT de Colombia), o no sabes si tienes residencia en otro país: las fuentes no dicen qué cuenta como residencia permanente.
                • Si eres de Nicaragua o Venezuela y te detuvieron en el mar después del 27 de abril de 2023: esa regla se publicó para Cuba y Haití; para ti no está confirmada.
                • El proceso puede estar pausado o por terminar: revisa la página oficial.
        }
        Cuidado con quien te pida dinero para ser tu patrocinador.
   *[other] El parole es un permiso para entrar y quedarte en EE. UU. por un tiempo limitado (hasta 2 años). Podrías obtenerlo si:
        • una persona en EE. UU. con estatus legal llena en línea por ti el Formulario I-134A (un formulario que alguien en EE. UU. llena para apoyarte). No tiene que ser tu familiar;
        • tienes un pasaporte vigente;
        • no entraste a EE. UU. de forma irregular, ni a México o Panamá sin permiso, después del 19 de octubre de 2022 (personas de Venezuela) o del 9 de enero de 2023 (de Cuba, Haití o Nicaragua). Hay una excepción si luego saliste una vez de forma voluntaria;
        • pasas los controles de seguridad y de salud.
        La solicitud no la haces tú: tu patrocinador la inicia en uscis.gov. Si te aprueban, recibes una autorización para viajar y pagas tu vuelo. Tu pareja y tus hijos solteros menores de 21 años pueden ir incluidos, aunque tengan otra nacionalidad; los menores de 18 años viajan con su mamá, su papá o su tutor.
        Quienes pueden confirmarlo: la página oficial de USCIS (botón de abajo) y una organización de ayuda legal gratuita. Cuidado con quien te pida dinero para ser tu patrocinador.
}

## Parole de reunificación familiar

o-family_reunification_parole = Parole de reunificación familiar (EE. UU.)
o-family_reunification_parole-next = { $status ->
    [closed] Este proceso ya no recibe casos: EE. UU. terminó con un aviso oficial todos los procesos de parole de reunificación familiar.
        El aviso dijo que el parole que siguiera vigente el 14 de enero de 2026 terminaría ese día, salvo que la persona hubiera presentado una solicitud de residencia permanente (Formulario I-485) a más tardar el { $closes } y siguiera pendiente, o que el gobierno decidiera otra cosa en su caso.
        • Si un familiar presentó el Formulario I-130 por ti (una petición que un familiar ciudadano o residente permanente de EE. UU. presenta por ti), pregunta a una organización de ayuda legal gratuita qué opciones quedan. ACNUR y la OIM también dan información gratis.
        • Usa solo uscis.gov. Nunca le pagues a nadie que te prometa una invitación.
    [maybe] Este proceso no tiene una oficina a la que puedas llamar. Quienes pueden confirmarlo: tu familiar en EE. UU. (la invitación le llega a esa persona), la página oficial de USCIS (botón de abajo) y una organización de ayuda legal gratuita.
        Revisa lo que no está claro en tu caso:
        • Si el Formulario I-130 de tu familiar fue aprobado pero no le llegó invitación: solo pueden usar este proceso las personas cuyo familiar recibió una invitación del Centro Nacional de Visas de EE. UU. (NVC). Nadie puede pedir una invitación.
        • Si respondiste "No sé": pregúntale a tu familiar si presentó el Formulario I-130 por ti, si se lo aprobaron y si el NVC lo invitó.
        • Si eres de Cuba o Haití: hasta el 10 de agosto de 2023 había que estar en Cuba o en Haití. Para Haití, además, solo contaban las peticiones aprobadas hasta el 18 de diciembre de 2014.
        • Si eres de Ecuador: las fuentes dan dos fechas de inicio, el 16 y el 17 de noviembre de 2023.
        • El proceso puede estar por terminar: revisa la página oficial.
        Nunca le pagues a nadie que te prometa una invitación.
   *[other] Este proceso es solo por invitación:
        • Tu familiar, ciudadano o residente permanente de EE. UU., presentó por ti el Formulario I-130 (la petición familiar para que puedas inmigrar) y se la aprobaron.
        • El Centro Nacional de Visas de EE. UU. (NVC) le envía una invitación.
        • Solo entonces tu familiar llena en línea el Formulario I-134A (un formulario que alguien en EE. UU. llena para apoyarte).
        • Debes estar fuera de EE. UU. y pasar controles de seguridad y un examen médico.
        Si te aprueban, podrías viajar a EE. UU. con parole (un permiso para quedarte por un tiempo limitado, hasta 3 años) y podrías pedir un permiso de trabajo.
        Quienes pueden confirmarlo: la página oficial de USCIS (botón de abajo) y una organización de ayuda legal gratuita. Nadie puede venderte una invitación.
}

## CBP One

o-cbp_one = Cita de CBP One en la frontera de EE. UU.

-clp-warning = Ojo: según una regla de EE. UU. (del 11 de mayo de 2023 al 11 de mayo de 2025), quien cruza la frontera sin permiso y sin cita, después de pasar por otro país, en principio no puede recibir asilo, salvo algunas excepciones.
o-cbp_one-next = { $status ->
    [closed] EE. UU. quitó las citas de la app CBP One y canceló las citas que había. La app ya no da citas en la frontera.
        CBP Home, una app posterior, es para personas que quieren salir de EE. UU., no para pedir citas.
        • Quien te venda una cita te está estafando.
        • { -clp-warning }
        • Para ayuda gratuita, busca a ACNUR, la OIM (las agencias de la ONU para refugiados y para migrantes) o una organización de ayuda legal gratuita.
    [maybe] Esta app no tiene una oficina a la que puedas llamar: la propia app revisa tu ubicación cuando pides la cita. Quienes pueden orientarte: la página oficial de CBP One (botón de abajo), ACNUR, la OIM y las organizaciones de ayuda legal gratuita.
        Revisa dónde estás antes de hacer cualquier trámite:
        • La app funciona en el centro y el norte de México, al norte del paralelo 19 (más o menos desde la Ciudad de México hacia el norte).
        • Desde el 23 de agosto de 2024 también funciona en Chiapas y Tabasco, pero no en otros estados del sur, como Oaxaca o Guerrero.
        { -clp-warning }
        Las citas son gratuitas.
   *[other] CBP One es la app oficial y gratuita de la Oficina de Aduanas y Protección Fronteriza de EE. UU. (CBP). Si no tienes documentos para entrar a EE. UU. y estás en el centro o el norte de México, puedes pedir en la app una cita en uno de ocho cruces fronterizos: Brownsville, Eagle Pass, Hidalgo, Laredo y El Paso (Texas), Nogales (Arizona), Calexico y San Ysidro (California).
        • Incluye a los familiares que viajan contigo.
        • Si te dan una cita, confírmala en la app a tiempo. La app revisa dónde estás y te toma una foto.
        • Las citas son gratuitas. Nadie puede vendértelas.
        { -clp-warning }
        Una cita no es una visa: en la frontera deciden los oficiales de EE. UU. Quienes pueden orientarte: la página oficial de CBP One (botón de abajo), ACNUR, la OIM y las organizaciones de ayuda legal gratuita.
}

## Canadá

o-canada_family_pathway = Canadá: vía familiar para personas de Colombia, Haití y Venezuela
o-canada_family_pathway-next = { $status ->
    [closed] Canadá dejó de recibir solicitudes nuevas para esta vía porque esperaba llenar los cupos. Las fuentes no dicen que haya vuelto a abrir.
        • Si aplicaste, revisa tu solicitud en el sitio oficial del Gobierno de Canadá (IRCC).
        • Nunca le pagues a nadie que te prometa un cupo: la solicitud se hacía directamente en el portal de IRCC.
        • Para ayuda gratuita, busca a ACNUR, la OIM o una organización de ayuda legal gratuita.
    [maybe] Esta vía no tiene una oficina a la que puedas llamar. Quien puede confirmarlo es el Gobierno de Canadá, en el sitio oficial de IRCC (botón de abajo). Una organización de ayuda legal gratuita también te puede orientar.
        Revisa lo que no está claro en tu caso:
        • Si vives fuera de Centroamérica, Sudamérica, México y el Caribe: esta vía es solo para personas que viven en esas regiones.
        • Si respondiste "No sé": tu familiar debe ser ciudadano o residente permanente de Canadá; debe ser tu hijo o hija, nieto o nieta, cónyuge o pareja, padre o madre, abuelo o abuela, hermano o hermana; y debe aceptar apoyarte durante un año.
   *[other] Canadá ofrece la residencia permanente (el derecho a vivir en Canadá sin límite de tiempo) a personas de Colombia, Haití y Venezuela que viven en Centroamérica, Sudamérica, México o el Caribe y tienen un familiar cercano en Canadá.
        • Tu familiar es ciudadano o residente permanente de Canadá, y tú eres su hijo o hija, nieto o nieta, cónyuge o pareja, padre o madre, abuelo o abuela, hermano o hermana.
        • Tu familiar acepta apoyarte durante un año y firma una declaración jurada.
        • Debes planear vivir fuera de Quebec.
        • Se aplica en línea, en el portal de Inmigración, Refugiados y Ciudadanía Canadá (IRCC). Los cupos son limitados.
        Las fuentes no mencionan que haga falta pasar por Movilidad Segura. Quien puede confirmarlo es el Gobierno de Canadá (IRCC), en su sitio oficial. Una organización de ayuda legal gratuita también te puede orientar.
}

## Enlaces

link-movilidad_segura = Movilidad Segura (oficial)
link-uscis_chnv = USCIS: parole CHNV (oficial)
link-uscis_frp = USCIS: reunificación (oficial)
link-cbp_one = CBP One (oficial)
link-ircc = Gobierno de Canadá (IRCC)
link-state_smo = Depto. de Estado: Ecuador
