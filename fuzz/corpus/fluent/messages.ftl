q-age = ¿Cuántos años tienes?
    .hint = { $n ->
        [one] uno
       *[other] { NUMBER($n) } días
    }
o-smo = Hasta { DATETIME($cutoff) } — { -brand }
-brand = Rumbo
ui-x = { q-age } { q-age.hint }
