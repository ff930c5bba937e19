# Mensajes de la interfaz: cada idioma los necesita todos (ver docs/reglas.md, "Mensajes de la interfaz").

ui-back = ⬅️ Atrás
ui-restart = 🔄 Empezar de nuevo
ui-progress = Pregunta { $number }
ui-review-title = Tus respuestas. Toca una para cambiarla, o mira tu resultado.
ui-review-line = { $question }: { $answer }
ui-review-change = ✏️ { $question }
ui-confirm = ✅ Ver mi resultado
ui-editing = Cambia tu respuesta: { $question }
ui-stale = Ese botón es de un mensaje anterior. Aquí es donde estás ahora.
ui-nothing-to-undo = No hay nada a qué volver.
ui-rules-changed = Esta guía se actualizó, así que empezamos otra vez desde el principio.
ui-result-title = Tu resultado:
ui-status-open = ✅ Podrías calificar
ui-status-maybe = ❔ Podría aplicarte: confírmalo primero (abajo dice con quién)
ui-status-upcoming = { $precision ->
    [month] 🕒 Abre en { $opens }
   *[day] 🕒 Abre el { $opens }
}
ui-status-closed = { $precision ->
    [month] ⛔ Este programa cerró en { $closes }
   *[day] ⛔ Este programa cerró el { $closes }
}
ui-because = Porque respondiste: { $answers }
ui-sources = Fuentes: { $sources }
ui-footer = Es gratis: nunca le pagues a nadie por esto. Esto no es asesoría legal; solo las autoridades deciden. Guía revisada el { $reviewed }; resultado al { $as_of }.
ui-chat-hint = Escribe el número de tu respuesta. b: atrás, r: empezar de nuevo, q: salir.
ui-privacy = 🔒 Esta guía nunca te pide tu nombre, documentos ni datos de contacto. Tus respuestas solo se usan para mostrarte tu resultado. Es información, no asesoría legal, y es gratis.

# Solo en el bot de Telegram.
ui-text-hint = Toca uno de los botones de la pregunta, o escribe el número de tu respuesta.
ui-unknown-command = No conozco ese comando. Con /ayuda ves lo que puedo hacer.
ui-help = Esta guía te hace unas preguntas y te muestra qué caminos legales podrían servirte, con enlaces oficiales.
    /start: empezar
    /atras: volver a la pregunta anterior
    /reiniciar: empezar de nuevo
    /idioma: cambiar de idioma
    /privacidad: qué guardamos
    /borrar: borrar tus respuestas ahora
ui-language-choose = Elige tu idioma:
ui-language-name = Español
ui-answered = ✔️ { $answer }
ui-expired = Pasó mucho tiempo desde tu última respuesta, así que empezamos de nuevo.
ui-state-lost = Perdón: no pudimos seguir donde estabas. Empecemos de nuevo.
ui-deleted = Borramos tus respuestas. Escribe /start para empezar otra vez.
ui-privacy-details = 🔒 No guardamos tu nombre, tu número de teléfono ni tus mensajes. Mientras respondes, guardamos solo tus respuestas a esta guía, unidas a este chat para que puedas seguir si vuelves; se borran un día después de tu última respuesta, poco después de ver tu resultado, o ya mismo con /borrar. Las estadísticas solo cuentan totales, nunca a personas. Telegram guarda este chat en tu teléfono; puedes borrarlo allí.
ui-private-only = Esta guía funciona solo en chats privados. Ábreme en un chat privado para usarla.
ui-flood = Estás enviando mensajes muy rápido. Espera un momento, por favor.
ui-unavailable = Tuvimos un problema de nuestro lado. Intenta de nuevo en un momento.
ui-cmd-start = Empezar la guía
ui-cmd-help = Qué puedo hacer
ui-cmd-language = Cambiar de idioma
ui-cmd-restart = Empezar de nuevo
ui-cmd-back = Volver a la pregunta anterior
ui-cmd-privacy = Qué guardamos
ui-cmd-delete = Borrar tus respuestas
