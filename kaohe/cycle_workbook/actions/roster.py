"""A book's roster: categories, units and cadres missing from the roster created; existing ones never
changed or moved (the cycle's snapshot records the book's category, unit and post)."""

from __future__ import annotations

from kaohe.cycle_workbook.actions.state import BATCH, ImportState
from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory, pinyin_full, pinyin_initials


class RosterPart(ImportState):
    def write_categories(self) -> tuple[str, ...]:
        self.categories = dict(UnitCategory.objects.values_list("name", "id"))
        names = list(
            dict.fromkeys(
                [*(u.category for u in self.data.units), *(i.category for i in self.data.indicators)]
            )
        )
        new = [name for name in names if name not in self.categories]
        order = max(UnitCategory.objects.values_list("order", flat=True), default=0)
        for offset, name in enumerate(new, start=1):
            self.categories[name] = UnitCategory.objects.create(name=name, order=order + offset).pk
        return tuple(new)

    def write_units(self) -> int:
        stored = {
            code: (pk, name) for pk, code, name in Unit.objects.values_list("id", "code", "name").iterator()
        }
        created = []
        for unit in self.data.units:
            found = stored.get(unit.code)
            if found is None:
                created.append(
                    Unit(
                        code=unit.code,
                        name=unit.name,
                        category_id=self.categories[unit.category],
                        pinyin_initials=pinyin_initials(unit.name),
                    )
                )
            elif found[1] != unit.name:
                self.renamed.append(f"单位「{unit.code}」名册中为「{found[1]}」，工作簿中为「{unit.name}」")
        Unit.objects.bulk_create(created, batch_size=BATCH)
        self.units = {code: pk for code, (pk, _) in stored.items()}
        if created:
            ids = dict(Unit.objects.filter(code__in=[u.code for u in created]).values_list("code", "id"))
            self.units.update(ids)
            LeadershipTeam.objects.bulk_create(
                [LeadershipTeam(unit_id=ids[u.code]) for u in created], batch_size=BATCH
            )
        return len(created)

    def write_cadres(self) -> int:
        stored = {
            code: (pk, name)
            for pk, code, name in Cadre.objects.values_list("id", "code", "name").iterator(chunk_size=5000)
        }
        names: dict[str, tuple[str, str]] = {}
        created = []
        for cadre in self.data.cadres:
            found = stored.get(cadre.code)
            if found is None:
                if cadre.name not in names:
                    names[cadre.name] = (pinyin_initials(cadre.name), pinyin_full(cadre.name))
                initials, full = names[cadre.name]
                created.append(
                    Cadre(
                        code=cadre.code,
                        name=cadre.name,
                        pinyin_initials=initials,
                        pinyin=full,
                        current_unit_id=self.units[cadre.unit],
                    )
                )
            elif found[1] != cadre.name:
                self.renamed.append(f"干部「{cadre.code}」名册中为「{found[1]}」，工作簿中为「{cadre.name}」")
        Cadre.objects.bulk_create(created, batch_size=BATCH)
        self.cadres = {code: pk for code, (pk, _) in stored.items()}
        if created:
            new_codes = {c.code for c in created}
            ids = {
                code: pk
                for code, pk in Cadre.objects.values_list("code", "id").iterator(chunk_size=5000)
                if code in new_codes
            }
            self.cadres.update(ids)
            Position.objects.bulk_create(
                (
                    Position(
                        cadre_id=ids[c.code], unit_id=self.units[c.unit], title=c.post, principal=c.principal
                    )
                    for c in self.data.cadres
                    if c.code in new_codes
                ),
                batch_size=BATCH,
            )
        return len(created)
