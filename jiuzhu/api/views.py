from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def not_built(request):
    return JsonResponse({"detail": "接口正在建设中"}, status=404)
