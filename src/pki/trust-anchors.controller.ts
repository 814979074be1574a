import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { SCOPES } from '../auth/scopes';
import { CertificateAuthorityService } from './certificate-authority.service';

@ApiTags('admin: keys')
@ApiBearerAuth()
@Scopes(SCOPES.admin)
@Controller('admin/pki')
export class TrustAnchorsController {
  constructor(private readonly authority: CertificateAuthorityService) {}

  /** The roots a verifier in x5c mode trusts: Signet's own and those of imported chains. */
  @Get('trust-anchors')
  @Header('Content-Type', 'application/x-pem-file')
  @ApiProduces('application/x-pem-file')
  @ApiOkResponse({ description: 'PEM bundle of trusted root certificates', type: String })
  trustAnchors(): Promise<string> {
    return this.authority.trustAnchorsPem();
  }
}
