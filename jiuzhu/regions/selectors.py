from .models import Region


def townships_of(county: Region):
    return Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP)


def villages_of(township: Region):
    return Region.objects.filter(parent=township, level=Region.Level.VILLAGE)


def county_of(region: Region) -> Region:
    while region.parent_id is not None:
        region = region.parent
    return region
