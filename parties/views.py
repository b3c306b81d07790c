from __future__ import annotations

from itertools import groupby

from django.shortcuts import render

from . import selectors
from .filters import PartyFilter


def party_list(request):
    filterset = PartyFilter(request.GET, queryset=selectors.party_list())
    parties = list(filterset.qs)
    grouped = [(group, list(members)) for group, members in groupby(parties, key=lambda p: p.group)]
    return render(
        request,
        "parties/party_list.html",
        {"filter": filterset, "grouped": grouped, "count": len(parties)},
    )
