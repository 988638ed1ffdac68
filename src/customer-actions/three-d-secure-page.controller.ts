import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator';
import { CHALLENGE_PAGE_CSP } from './challenge-page.html';
import { ChallengeChoiceDto } from './dto/challenge-choice.dto';
import { ChallengeAnswer, ThreeDSecurePageService } from './three-d-secure-page.service';

function send(reply: FastifyReply, answer: ChallengeAnswer): string {
  void reply.status(answer.status).header('Cache-Control', 'no-store');
  if ('location' in answer) {
    void reply.header('Location', answer.location);
    return '';
  }
  void reply.type('text/html; charset=utf-8').header('Content-Security-Policy', CHALLENGE_PAGE_CSP);
  return answer.html;
}

@ApiTags('3-D Secure')
@Public()
@Controller('v1/3ds')
export class ThreeDSecurePageController {
  constructor(private readonly pages: ThreeDSecurePageService) {}

  @Get(':token')
  @ApiOperation({
    summary: 'The 3-D Secure challenge page (next_action.redirect_to_url.url)',
    description: 'Plain HTML, no external assets: Complete, Fail and Cancel. No API key: the one-time token is the credential.',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The challenge form', content: { 'text/html': { example: '<!doctype html>…<button>Complete</button>…' } } })
  @ApiResponse({ status: 410, description: 'Used, expired or unknown token: an "expired" page; nothing changes', content: { 'text/html': { example: '<!doctype html>…expired…' } } })
  async show(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return send(reply, await this.pages.show(token));
  }

  @Post(':token')
  @ApiOperation({
    summary: 'The challenge page’s answer',
    description:
      'complete → the card is authenticated (the bank may still decline), fail → authentication_failed, cancel → payment_cancelled. ' +
      'Answers 302 to return_url?payment_id=…&redirect_status=succeeded|failed|canceled, or a result page without return_url.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: ChallengeChoiceDto, examples: { complete: { value: { choice: 'complete' } } } })
  @ApiProduces('text/html')
  @ApiResponse({ status: 302, description: 'Back to return_url with payment_id and redirect_status' })
  @ApiResponse({ status: 200, description: 'Result page (no return_url)', content: { 'text/html': { example: '<!doctype html>…succeeded…' } } })
  @ApiResponse({ status: 410, description: 'Used, expired or unknown token; nothing changes', content: { 'text/html': { example: '<!doctype html>…expired…' } } })
  async choose(
    @Param('token') token: string,
    @Body() dto: ChallengeChoiceDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return send(reply, await this.pages.choose(token, dto.choice, String(request.id)));
  }
}
